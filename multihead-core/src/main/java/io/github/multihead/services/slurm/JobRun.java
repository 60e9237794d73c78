package io.github.multihead.services.slurm;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.Probe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A test job, end to end: submitted on a controller as {@code nobody} (an account every Debian node
 * has, so no user needs creating), run on a compute node, its output written to the shared volume
 * and read back on the controller, then found in accounting; its output file removed afterwards.
 * Polls on the context's clock.
 */
final class JobRun {
  static final String USER = "nobody";
  static final Set<String> FAILED = Set.of("FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
      "DEADLINE", "PREEMPTED");
  private static final Duration POLL = Duration.ofSeconds(1);

  private JobRun() {}

  static String directory(io.github.multihead.spec.ClusterSpec spec) {
    return spec.gluster().mountPoint() + "/slurm/multihead-check";
  }

  /** What happened: the job id and the seconds it took, or why it failed. */
  record Outcome(Optional<String> failure, String jobId, double submitted, double seconds) {
    static Outcome failed(String why, String jobId, double seconds) {
      return new Outcome(Optional.of(why), jobId, seconds, seconds);
    }
  }

  /**
   * Submits from {@code from} (retrying until {@code bound} while no controller accepts it), waits
   * for COMPLETED and the output, then — when {@code accounting} — for {@code sacct} to list it.
   */
  static Outcome run(HealthContext context, Node from, Duration bound, boolean accounting) {
    NodeExecutor x = context.executor(from);
    Instant start = context.clock().instant();
    Instant deadline = start.plus(bound);
    String dir = directory(context.spec());
    String token = "multihead-check-" + context.clock().millis();
    try {
      CommandResult mk = x.run(Command.shell("mkdir -p -- \"$1\" && chown -- \"$2\" \"$1\"", dir, USER).withSudo());
      if (!mk.ok()) {
        return Outcome.failed("cannot create " + dir + " on " + from.hostname() + ": " + mk.stderrTail(), "", 0);
      }
      Command submit = Command.of("runuser", "-u", USER, "--", "sbatch", "--parsable", "--job-name=multihead-check",
          "--chdir=" + dir, "--output=" + dir + "/job-%j.out", "--wrap=echo " + token + " on $(hostname)").withSudo();
      String id = null;
      String last = "";
      while (id == null) {
        CommandResult r = x.run(submit);
        try {
          id = SlurmProbes.jobId(r);
        } catch (IllegalArgumentException e) {
          last = e.getMessage();
          if (!sleep(context, deadline)) {
            return Outcome.failed("no controller accepted the job from " + from.hostname() + ": " + last, "", secs(context, start));
          }
        }
      }
      double submitted = secs(context, start);
      String out = dir + "/job-" + id + ".out";
      try {
        Probe<String> state = SlurmProbes.jobState(id);
        String s = "";
        while (true) {
          Probe.Reading<String> r = state.read(x);
          s = r.ok() ? r.value() : r.problem();
          if (s.equals("COMPLETED")) {
            break;
          }
          if (FAILED.contains(s)) {
            return Outcome.failed("job " + id + " ended " + s, id, secs(context, start));
          }
          if (!sleep(context, deadline)) {
            return Outcome.failed("job " + id + " is " + s + " after " + bound.toSeconds() + " s", id, secs(context, start));
          }
        }
        Optional<byte[]> content = x.read(out);
        String text = content.map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        if (!text.contains(token)) {
          return Outcome.failed("job " + id + " completed but " + out + " on " + from.hostname() + " does not hold its output ("
              + (content.isEmpty() ? "missing" : "'" + text.strip() + "'") + ")", id, secs(context, start));
        }
        if (accounting) {
          Probe<Optional<String>> sacct = SlurmProbes.accounted(id);
          while (true) {
            Probe.Reading<Optional<String>> r = sacct.read(x);
            if (r.ok() && r.value().isPresent()) {
              break;
            }
            if (!sleep(context, deadline)) {
              return Outcome.failed("sacct does not list job " + id + " after " + bound.toSeconds() + " s"
                  + (r.ok() ? "" : ": " + r.problem()), id, secs(context, start));
            }
          }
        }
        return new Outcome(Optional.empty(), id, submitted, secs(context, start));
      } finally {
        x.run(Command.of("rm", "-f", "--", out).withSudo());
      }
    } catch (TransportException e) {
      return Outcome.failed(e.getMessage(), "", secs(context, start));
    }
  }

  private static double secs(HealthContext context, Instant start) {
    return Duration.between(start, context.clock().instant()).toMillis() / 1000.0;
  }

  /** Sleeps one poll interval; false when that would pass the deadline. */
  static boolean sleep(HealthContext context, Instant deadline) {
    if (!context.clock().instant().plus(POLL).isBefore(deadline)) {
      return false;
    }
    try {
      context.sleeper().sleep(POLL);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
