package io.github.multihead.ssh.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A local user made for one test (useradd), with a sudoers rule; removed on close. */
public final class ThrowawayUser implements AutoCloseable {
  private final String name;
  private final Path sudoers;

  private ThrowawayUser(String name, Path sudoers) {
    this.name = name;
    this.sudoers = sudoers;
  }

  /**
   * @param sudoPassword null for passwordless sudo ({@code NOPASSWD}), else the user's password,
   *     which sudo will ask for
   */
  public static ThrowawayUser create(String sudoPassword) throws Exception {
    Prerequisites.require(Prerequisites.root(), "running as root (to create a test user)");
    Prerequisites.requireExecutable("/usr/sbin/useradd");
    Prerequisites.requireExecutable("/usr/bin/sudo");
    String name = "mhtest" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
    run(null, "/usr/sbin/useradd", "-m", "-s", "/bin/sh", name);
    if (sudoPassword == null) {
      run(null, "/usr/sbin/usermod", "-p", "*", name); // no password, but not locked (sshd refuses locked accounts)
    } else {
      run(name + ":" + sudoPassword + "\n", "/usr/sbin/chpasswd");
    }
    Path sudoers = Path.of("/etc/sudoers.d", name);
    Files.writeString(sudoers, name + " ALL=(ALL:ALL) " + (sudoPassword == null ? "NOPASSWD: " : "") + "ALL\n");
    Files.setPosixFilePermissions(sudoers, java.nio.file.attribute.PosixFilePermissions.fromString("r--r-----"));
    return new ThrowawayUser(name, sudoers);
  }

  public String name() {
    return name;
  }

  private static void run(String stdin, String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(List.of(argv) + " failed: " + out);
    }
  }

  @Override
  public void close() throws Exception {
    Files.deleteIfExists(sudoers);
    run(null, "/usr/sbin/userdel", "-r", "-f", name);
  }
}
