package io.github.multihead.plan;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.spec.ClusterSpec;
import java.time.Clock;
import java.util.Map;

/** What a step sees while it checks or applies: its node, the spec, an executor, shared facts. */
public interface StepContext {
  ClusterSpec spec();

  Node node();

  /** The phase's name, for messages. */
  String phaseName();

  /** The executor for {@link #node()}. */
  NodeExecutor executor();

  /** True when nodes must not be contacted (an offline plan); {@link #executor()} then throws. */
  boolean offline();

  /** Runs a command, returning its result whatever the exit code. */
  default CommandResult run(Command command) {
    return executor().run(command);
  }

  /** Runs a command and throws {@link StepFailedException} naming node, step and command if it fails. */
  CommandResult runChecked(Command command);

  /** Facts about this node gathered during the run (e.g. {@code os.id}), shared by all steps. */
  Map<String, String> facts();

  Clock clock();

  Sleeper sleeper();
}
