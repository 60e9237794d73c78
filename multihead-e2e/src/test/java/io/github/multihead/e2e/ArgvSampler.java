package io.github.multihead.e2e;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Samples {@code ps -eo args} on every node until closed (bounded: at most 20 minutes), recording
 * each argv line that holds one of the given secrets as a leak (with the secret masked), and keeping
 * every distinct line seen so secrets known only afterwards (a generated key) can be searched too.
 */
final class ArgvSampler implements AutoCloseable {
  final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
  final Set<String> lines = new ConcurrentSkipListSet<>();
  final AtomicBoolean stop = new AtomicBoolean();
  volatile int samples;
  final Thread thread;

  ArgvSampler(LabCluster lab, List<String> secrets) {
    this(lab, lab.nodes(), secrets);
  }

  ArgvSampler(LabCluster lab, List<Node> nodes, List<String> secrets) {
    thread = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
      while (!stop.get() && System.nanoTime() < deadline) {
        for (Node n : nodes) {
          try {
            CommandResult ps = lab.transport().executor(n).run(Command.of("ps", "-eo", "args").asReadOnly());
            samples++;
            lines.addAll(ps.stdoutLines());
            for (String s : secrets) {
              if (ps.stdout().contains(s)) {
                leaks.add(n.hostname() + ": " + ps.stdoutLines().stream().filter(l -> l.contains(s)).findFirst().orElse("?")
                    .replace(s, "<SECRET>"));
              }
            }
          } catch (TransportException e) {
            // a node restarting its sshd is not a leak
          }
        }
        try {
          Thread.sleep(150);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "argv-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** The argv lines seen that hold {@code secret} (masked). */
  List<String> linesHolding(String secret) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.contains(secret)) {
        out.add(l.replace(secret, "<SECRET>"));
      }
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    thread.join(30_000);
  }
}
