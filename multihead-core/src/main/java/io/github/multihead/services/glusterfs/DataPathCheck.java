package io.github.multihead.services.glusterfs;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The seed's Test 1: a file written through the first node's mount is read, with the same content,
 * through every other node's mount; then it is removed (also when the check fails). Reads that do
 * not see the file yet are retried on the context's clock for up to 30 s; a write that fails or is
 * refused (a dry run allows no writes) fails at once.
 */
final class DataPathCheck implements HealthCheck {
  static final String PREFIX = ".multihead-check-";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String mountPoint;

  DataPathCheck(String mountPoint) {
    this.mountPoint = mountPoint;
  }

  @Override
  public boolean writesTestData() {
    return true;
  }

  @Override
  public String name() {
    return "a file written through one node's mount is read through every other";
  }

  @Override
  public HealthResult probe(HealthContext context) {
    List<Node> nodes = context.nodes();
    if (nodes.isEmpty()) {
      return HealthResult.fail("no GlusterFS nodes");
    }
    Node writer = nodes.get(0);
    byte[] nonce = new byte[6];
    RANDOM.nextBytes(nonce);
    String name = PREFIX + writer.hostname() + "-" + context.clock().millis() + "-" + HexFormat.of().formatHex(nonce);
    String path = mountPoint + "/" + name;
    NodeExecutor w = context.executor(writer);
    Command write = Command.shell("printf '%s\\n' \"$2\" > \"$1\"", path, name).withSudo().withTimeout(TIMEOUT);
    try {
      CommandResult written = w.run(write);
      if (!written.ok()) {
        return failure(writer, write, written, "cannot write " + path + " on " + writer.hostname());
      }
      java.time.Instant deadline = context.clock().instant().plus(TIMEOUT);
      List<Node> pending = new ArrayList<>(nodes.subList(1, nodes.size()));
      while (true) {
        List<String> problems = new ArrayList<>();
        HealthResult first = null;
        for (Node reader : new ArrayList<>(pending)) {
          Command read = Command.of("cat", "--", path).withSudo().asReadOnly().withTimeout(TIMEOUT);
          CommandResult r = context.executor(reader).run(read);
          if (r.ok() && r.stdout().equals(name + "\n")) {
            pending.remove(reader);
            continue;
          }
          String why = reader.hostname() + " reads " + (r.ok() ? "'" + r.stdout().strip() + "'" : "nothing (exit " + r.exitCode() + ")")
              + " from " + path + ", written on " + writer.hostname();
          problems.add(why);
          if (first == null) {
            first = failure(reader, read, r, why);
          }
        }
        if (first == null) {
          break;
        }
        if (!context.clock().instant().plus(RETRY).isBefore(deadline)) {
          return first.withDetail(String.join("; ", problems) + " (for " + TIMEOUT.toSeconds() + " s)");
        }
        try {
          context.sleeper().sleep(RETRY);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return first.withDetail(String.join("; ", problems) + " (interrupted)");
        }
      }
      return HealthResult.pass("written on " + writer.hostname() + ", read on "
          + (nodes.size() - 1) + " other node" + (nodes.size() == 2 ? "" : "s"));
    } catch (TransportException e) {
      return HealthResult.failure(e.getMessage()).node(e.node()).build();
    } catch (MultiheadException e) {
      return HealthResult.fail("not checked: " + e.getMessage()); // a dry run refuses the write
    } finally {
      try {
        w.run(Command.of("rm", "-f", "--", path).withSudo().withTimeout(TIMEOUT));
      } catch (RuntimeException ignored) {
        // already reported: the write or a read failed the same way
      }
    }
  }

  private static HealthResult failure(Node node, Command command, CommandResult r, String detail) {
    return HealthResult.failure(detail).node(node.hostname()).command(command.display()).exitCode(r.exitCode())
        .stderrTail(r.stderrTail()).build();
  }
}
