package io.github.multihead.ssh.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Key files made by the real {@code ssh-keygen}, so they are exactly what users have. */
public final class Keys {
  private Keys() {}

  /** Generates {@code dir/name} (OpenSSH private key) and {@code dir/name.pub}. */
  public static Path generate(Path dir, String name, String type, String passphrase) throws IOException, InterruptedException {
    Prerequisites.requireExecutable("/usr/bin/ssh-keygen");
    Path key = dir.resolve(name);
    List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", passphrase,
        "-C", name, "-f", key.toString()));
    if (type.equals("rsa")) {
      cmd.addAll(List.of("-b", "3072"));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ssh-keygen failed: " + out);
    }
    return key;
  }

  /** Appends the public halves of {@code keys} to {@code authorizedKeys}. */
  public static void authorize(Path authorizedKeys, Path... keys) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path k : keys) {
      sb.append(Files.readString(Path.of(k + ".pub")).strip()).append('\n');
    }
    Files.writeString(authorizedKeys, sb.toString(), java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
