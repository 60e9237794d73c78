package io.github.multihead.testing;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.Upload;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A scripted, recording {@link Transport} for unit tests: no SSH, no servers.
 *
 * <ul>
 *   <li>File writes, appends (the engine's node log) and reads work on an in-memory file system
 *       per node, also in {@link #strict()} mode.
 *   <li>Responses by matcher, per node or for all nodes; the most recently added match wins, so a
 *       test can override a general rule with a specific one.
 *   <li>An in-memory file system per node: uploads land there, reads come from there.
 *   <li>Everything that ran is recorded, in order, per node.
 * </ul>
 *
 * <pre>{@code
 * RecordingTransport mock = RecordingTransport.create()
 *     .on(argvStartsWith("systemctl", "is-active")).respond(0, "active\n")
 *     .on("server2", argvStartsWith("systemctl", "is-active")).respond(3, "inactive\n");
 * }</pre>
 *
 * <p>Unmatched commands exit 0 with no output, unless {@link #strict()} makes them fail the test.
 */
public final class RecordingTransport implements Transport {
  /** A command as it ran, with the node it ran on. */
  public static final class Recorded {
    private final String node;
    private final Command command;

    Recorded(String node, Command command) {
      this.node = node;
      this.command = command;
    }

    public String node() {
      return node;
    }

    public Command command() {
      return command;
    }

    @Override
    public String toString() {
      return node + ": " + command.display();
    }
  }

  private static final class Rule {
    final String node; // null = any
    final Predicate<Command> matcher;
    final java.util.function.BiFunction<Node, Command, CommandResult> response;

    Rule(String node, Predicate<Command> matcher, java.util.function.BiFunction<Node, Command, CommandResult> response) {
      this.node = node;
      this.matcher = matcher;
      this.response = response;
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Recorded> history = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, byte[]>> files = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Integer>> modes = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> owners = new ConcurrentHashMap<>();
  private volatile boolean strict;
  private volatile boolean closed;

  private RecordingTransport() {}

  public static RecordingTransport create() {
    return new RecordingTransport();
  }

  /** Unmatched commands throw an {@link AssertionError} instead of exiting 0. */
  public RecordingTransport strict() {
    this.strict = true;
    return this;
  }

  /** Scripts the response to commands matching {@code matcher} on every node. */
  public Stubbing on(Predicate<Command> matcher) {
    return new Stubbing(null, matcher);
  }

  /** Scripts the response to commands matching {@code matcher} on {@code hostname}. */
  public Stubbing on(String hostname, Predicate<Command> matcher) {
    return new Stubbing(hostname, matcher);
  }

  /** Puts a file on a node's in-memory file system (mode 0644, root:root). */
  public RecordingTransport file(String hostname, String path, String content) {
    files.computeIfAbsent(hostname, k -> new ConcurrentHashMap<>()).put(path, content.getBytes(StandardCharsets.UTF_8));
    modes.computeIfAbsent(hostname, k -> new ConcurrentHashMap<>()).put(path, 0644);
    owners.computeIfAbsent(hostname, k -> new ConcurrentHashMap<>()).put(path, "root:root");
    return this;
  }

  /** A file on a node's in-memory file system, as text. */
  public Optional<String> file(String hostname, String path) {
    return Optional.ofNullable(files.getOrDefault(hostname, Map.of()).get(path))
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** The mode a file was written with. */
  public Optional<Integer> mode(String hostname, String path) {
    return Optional.ofNullable(modes.getOrDefault(hostname, Map.of()).get(path));
  }

  /** Everything that ran, in order. */
  public List<Recorded> history() {
    return List.copyOf(history);
  }

  /** The commands that ran on {@code hostname}, in order. */
  public List<Command> commands(String hostname) {
    return history.stream().filter(r -> r.node.equals(hostname)).map(Recorded::command).collect(Collectors.toUnmodifiableList());
  }

  /** Fails unless a command matching {@code matcher} ran on {@code hostname}. */
  public void assertRan(String hostname, Predicate<Command> matcher) {
    if (commands(hostname).stream().noneMatch(matcher)) {
      throw new AssertionError("expected a matching command on " + hostname + "; ran:\n  "
          + commands(hostname).stream().map(Command::display).collect(Collectors.joining("\n  ")));
    }
  }

  /** Fails if a command matching {@code matcher} ran on {@code hostname}. */
  public void assertNotRan(String hostname, Predicate<Command> matcher) {
    List<Command> hits = commands(hostname).stream().filter(matcher).collect(Collectors.toList());
    if (!hits.isEmpty()) {
      throw new AssertionError("expected no matching command on " + hostname + "; ran: " + hits.get(0).display());
    }
  }

  /** True once {@link #close()} was called. */
  public boolean closed() {
    return closed;
  }

  @Override
  public NodeExecutor executor(Node node) {
    return new NodeExecutor() {
      @Override
      public Node node() {
        return node;
      }

      @Override
      public CommandResult run(Command command) {
        return execute(node, command);
      }
    };
  }

  @Override
  public void close() {
    closed = true;
  }

  private CommandResult execute(Node node, Command command) {
    String host = node.hostname();
    history.add(new Recorded(host, command));
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if ((r.node == null || r.node.equals(host)) && r.matcher.test(command)) {
        return r.response.apply(node, command);
      }
    }
    FileOperation op = command.fileOperation().orElse(null);
    if (op instanceof FileOperation.Write write) {
      return write(host, write.upload());
    }
    if (op instanceof FileOperation.Append append) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Map<String, byte[]> fs = files.computeIfAbsent(host, k -> new ConcurrentHashMap<>());
      try {
        out.write(fs.getOrDefault(append.path(), new byte[0]));
        append.content().writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      fs.put(append.path(), out.toByteArray());
      modes.computeIfAbsent(host, k -> new ConcurrentHashMap<>()).putIfAbsent(append.path(), 0640);
      owners.computeIfAbsent(host, k -> new ConcurrentHashMap<>()).putIfAbsent(append.path(), "root:root");
      return CommandResult.success("");
    }
    if (op instanceof FileOperation.Read read) {
      byte[] data = files.getOrDefault(host, Map.of()).get(read.path());
      return data == null
          ? CommandResult.of(FileOperation.MISSING, "", "", Duration.ZERO)
          : CommandResult.of(0, data, "", Duration.ZERO);
    }
    if (op instanceof FileOperation.Stat stat) {
      Integer mode = modes.getOrDefault(host, Map.of()).get(stat.path());
      if (mode == null) {
        return FileOperation.Stat.missing();
      }
      String[] ownership = owners.get(host).get(stat.path()).split(":", 2);
      return FileOperation.Stat.answer(new FileOperation.FileAttributes(mode, ownership[0], ownership[1]));
    }
    if (strict) {
      throw new AssertionError("unexpected command on " + host + ": " + command.display());
    }
    return CommandResult.success("");
  }

  private CommandResult write(String host, Upload upload) {
    String path = upload.path();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      upload.content().writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.computeIfAbsent(host, k -> new ConcurrentHashMap<>()).put(path, out.toByteArray());
    modes.computeIfAbsent(host, k -> new ConcurrentHashMap<>()).put(path, upload.mode());
    String owner = upload.owner().orElse("");
    String fullOwner = owner.isEmpty() ? "root:root" : owner.contains(":") ? owner : owner + ":" + owner;
    owners.computeIfAbsent(host, k -> new ConcurrentHashMap<>()).put(path, fullOwner);
    return CommandResult.success("");
  }

  /** The second half of {@code on(...)}: what to answer. */
  public final class Stubbing {
    private final String node;
    private final Predicate<Command> matcher;

    Stubbing(String node, Predicate<Command> matcher) {
      this.node = node;
      this.matcher = matcher;
    }

    /** Answer with this exit code and stdout. */
    public RecordingTransport respond(int exitCode, String stdout) {
      return respond(exitCode, stdout, "");
    }

    /** Answer with this exit code, stdout and stderr. */
    public RecordingTransport respond(int exitCode, String stdout, String stderr) {
      return respondWith(c -> CommandResult.of(exitCode, stdout, stderr, Duration.ofMillis(1)));
    }

    /** Answer with whatever {@code response} computes from the command. */
    public RecordingTransport respondWith(Function<Command, CommandResult> response) {
      rules.add(new Rule(node, matcher, (n, c) -> response.apply(c)));
      return RecordingTransport.this;
    }

    /** Fail as a transport would (connection lost, timeout), naming the node the command was for. */
    public RecordingTransport fail(String message) {
      rules.add(new Rule(node, matcher, (n, c) -> {
        throw new TransportException(n.hostname(), message);
      }));
      return RecordingTransport.this;
    }

    /** Answer in turn with each response; the last one repeats. */
    public RecordingTransport respondInTurn(List<CommandResult> responses) {
      List<CommandResult> copy = new ArrayList<>(responses);
      int[] next = {0};
      return respondWith(c -> {
        synchronized (next) {
          CommandResult r = copy.get(Math.min(next[0], copy.size() - 1));
          next[0]++;
          return r;
        }
      });
    }
  }
}
