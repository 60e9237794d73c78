package io.github.multihead.ssh.bench;

import io.github.multihead.ssh.testing.EmbeddedSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Helper JVM for the fan-out benchmark: {@code count} embedded SSH servers on 127.0.0.1 ports
 * {@code base .. base+count-1}, accepting the keys in {@code authorized_keys}; writes their
 * known_hosts to {@code known_hosts}, prints READY and runs until stdin closes.
 */
public final class FanOutServers {
  private FanOutServers() {}

  public static void main(String[] args) throws Exception {
    Path authorized = Path.of(args[0]);
    Path knownHosts = Path.of(args[1]);
    int base = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    List<EmbeddedSshd> servers = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      EmbeddedSshd s = EmbeddedSshd.start(authorized, base + i);
      servers.add(s);
      lines.add(s.knownHostsLine("127.0.0.1"));
    }
    Files.write(knownHosts, lines);
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // run until the benchmark closes our stdin
    }
    for (EmbeddedSshd s : servers) {
      s.close();
    }
  }
}
