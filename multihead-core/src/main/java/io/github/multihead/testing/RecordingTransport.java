package io.github.multihead.testing;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.NodeExecutor;
import io.github.multihead.exec.Transport;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A scripted, recording, <b>strict</b> {@link Transport} for unit tests: no SSH, no servers.
 *
 * <p>Every command is answered by the first of these that takes it:
 *
 * <ol>
 *   <li>a stub ({@link #on(Predicate)}, {@link #on(String, Predicate)}), per node or for all nodes;
 *       the most recently added match wins, so a test can override a general rule with a specific
 *       one, and {@link Stubbing#times(int)} limits how often a stub answers;
 *   <li>the node's in-memory file system, for every file operation the command carries ({@link
 *       Command#fileOperation()}: write, read, append, stat), always;
 *   <li>the node's {@link DebianNode} model, if one is installed ({@link #debianNodes()}, {@link
 *       #debianNode(String)}), for the commands it models;
 *   <li>otherwise the command is <b>unexpected</b>: it throws an {@link AssertionError} naming the
 *       node and the command, and is remembered, so {@link #verify()} and {@link #close()} fail the
 *       test too even when the code under test caught or wrapped the error. Only a mock made
 *       {@link #lenient()} answers unexpected commands with exit 0 and no output.
 * </ol>
 *
 * <p>Everything that ran is recorded, in order, with its node; {@link #mark()} remembers a point in
 * that history so a test can look at one run only.
 *
 * <pre>{@code
 * RecordingTransport mock = RecordingTransport.create()
 *     .debianNodes()                                                    // dpkg, apt-get, systemctl, test, cat…
 *     .on(argvStartsWith("curl", "-fsS")).respond(0, "ok\n")             // everything else: stub it
 *     .on("server2", argvStartsWith("curl", "-fsS")).respond(7, "", "connection refused");
 * }</pre>
 */
public final class RecordingTransport implements Transport {
  /** A command as it ran, with the node it ran on. */
  public static final class Recorded {
    private final long sequence;
    private final String node;
    private final Command command;

    Recorded(long sequence, String node, Command command) {
      this.sequence = sequence;
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

  /** Computes a stub's answer from the node a command runs on and the command. */
  @FunctionalInterface
  public interface Responder {
    CommandResult respond(Node node, Command command);
  }

  private static final class Rule {
    final String node; // null = any
    final CommandMatcher matcher;
    final Responder responder;
    final AtomicInteger remaining; // negative: unlimited

    Rule(String node, CommandMatcher matcher, Responder responder, int times) {
      this.node = node;
      this.matcher = matcher;
      this.responder = responder;
      this.remaining = new AtomicInteger(times);
    }

    boolean claims(String host, Command command) {
      if ((node != null && !node.equals(host)) || !matcher.test(command)) {
        return false;
      }
      while (true) {
        int left = remaining.get();
        if (left < 0) {
          return true;
        }
        if (left == 0) {
          return false;
        }
        if (remaining.compareAndSet(left, left - 1)) {
          return true;
        }
      }
    }

    @Override
    public String toString() {
      return matcher.description() + (node == null ? " (all nodes)" : " (" + node + ")")
          + (remaining.get() >= 0 ? " [" + remaining.get() + " answers left]" : "");
    }
  }

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Recorded> history = new CopyOnWriteArrayList<>();
  private final List<Recorded> unexpected = new CopyOnWriteArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, FakeFileSystem> fileSystems = new ConcurrentHashMap<>();
  private final Map<String, DebianNode> debian = new ConcurrentHashMap<>();
  private volatile Consumer<DebianNode> everyNodeIsDebian; // null: only nodes set up one by one
  private volatile boolean lenient;
  private volatile boolean closed;

  private RecordingTransport() {}

  /** A strict mock: a command that no stub, file system or node model answers fails the test. */
  public static RecordingTransport create() {
    return new RecordingTransport();
  }

  /**
   * Opts out of strictness: commands nothing answers exit 0 with no output (and are still
   * recorded). Prefer stubs or a node model: a lenient mock lets a test pass for the wrong reason.
   */
  public RecordingTransport lenient() {
    this.lenient = true;
    return this;
  }

  /** Makes the mock strict again (the default); undoes {@link #lenient()}. */
  public RecordingTransport strict() {
    this.lenient = false;
    return this;
  }

  /** True if {@link #lenient()} is in effect. */
  public boolean isLenient() {
    return lenient;
  }

  // ------------------------------------------------------------------------------------------
  // Scripting
  // ------------------------------------------------------------------------------------------

  /** Scripts the response to commands matching {@code matcher} on every node. */
  public Stubbing on(Predicate<Command> matcher) {
    return new Stubbing(null, CommandMatcher.from(matcher), -1);
  }

  /** Scripts the response to commands matching {@code matcher} on {@code hostname}. */
  public Stubbing on(String hostname, Predicate<Command> matcher) {
    return new Stubbing(Objects.requireNonNull(hostname, "hostname"), CommandMatcher.from(matcher), -1);
  }

  /**
   * Every node answers as a fresh {@link DebianNode} (packages, units, files, users) for the
   * commands that model covers; stubs still take precedence.
   */
  public RecordingTransport debianNodes() {
    return debianNodes(n -> {});
  }

  /**
   * Every node answers as a {@link DebianNode}, each set up by {@code setup} when first used (e.g.
   * {@code n -> n.packageWithService("nginx").installed("curl")}).
   */
  public RecordingTransport debianNodes(Consumer<DebianNode> setup) {
    this.everyNodeIsDebian = Objects.requireNonNull(setup, "setup");
    debian.values().forEach(setup); // nodes a test set up one by one before this call get it too
    return this;
  }

  /**
   * The {@link DebianNode} model of {@code hostname}, to set it up before a run or to inspect it
   * after; installs one on that node if it has none.
   */
  public DebianNode debianNode(String hostname) {
    return debian.computeIfAbsent(hostname, h -> {
      DebianNode n = new DebianNode(h, fs(h));
      Consumer<DebianNode> setup = everyNodeIsDebian;
      if (setup != null) {
        setup.accept(n);
      }
      return n;
    });
  }

  // ------------------------------------------------------------------------------------------
  // In-memory files
  // ------------------------------------------------------------------------------------------

  FakeFileSystem fs(String hostname) {
    return fileSystems.computeIfAbsent(hostname, h -> new FakeFileSystem());
  }

  /** Puts a file on a node's in-memory file system (mode 0644, root:root). */
  public RecordingTransport file(String hostname, String path, String content) {
    return file(hostname, path, content, 0644, "root:root");
  }

  /** Puts a file on a node's in-memory file system with this mode and {@code owner:group}. */
  public RecordingTransport file(String hostname, String path, String content, int mode, String owner) {
    fs(hostname).put(path, content.getBytes(StandardCharsets.UTF_8), mode, fullOwner(owner));
    return this;
  }

  /** Creates a directory (and its parents) on a node's in-memory file system. */
  public RecordingTransport directory(String hostname, String path) {
    if (!fs(hostname).mkdirs(path)) {
      throw new IllegalArgumentException("a file is in the way of directory " + path + " on " + hostname);
    }
    return this;
  }

  /** A file on a node's in-memory file system, as text. */
  public Optional<String> file(String hostname, String path) {
    return fs(hostname).get(path).map(e -> new String(e.data(), StandardCharsets.UTF_8));
  }

  /** The mode a file was written with. */
  public Optional<Integer> mode(String hostname, String path) {
    return fs(hostname).get(path).map(FakeFileSystem.Entry::mode);
  }

  /** The {@code owner:group} a file was written with. */
  public Optional<String> owner(String hostname, String path) {
    return fs(hostname).get(path).map(FakeFileSystem.Entry::owner);
  }

  /** True if the directory exists on the node (made explicitly or holding a file). */
  public boolean hasDirectory(String hostname, String path) {
    return fs(hostname).isDirectory(path);
  }

  /** Removes a file from a node's in-memory file system, as if someone deleted it; true if it existed. */
  public boolean removeFile(String hostname, String path) {
    return fs(hostname).remove(path);
  }

  // ------------------------------------------------------------------------------------------
  // History and assertions
  // ------------------------------------------------------------------------------------------

  /** Everything that ran, in order. */
  public List<Recorded> history() {
    return List.copyOf(history);
  }

  /** The commands that ran on {@code hostname}, in order. */
  public List<Command> commands(String hostname) {
    return sinceStart().commands(hostname);
  }

  /** Fails unless a command matching {@code matcher} ran on {@code hostname}. */
  public void assertRan(String hostname, Predicate<Command> matcher) {
    sinceStart().assertRan(hostname, matcher);
  }

  /** Fails if a command matching {@code matcher} ran on {@code hostname}. */
  public void assertNotRan(String hostname, Predicate<Command> matcher) {
    sinceStart().assertNotRan(hostname, matcher);
  }

  /** Fails unless exactly {@code times} commands matching {@code matcher} ran on {@code hostname}. */
  public void assertRanTimes(String hostname, Predicate<Command> matcher, int times) {
    sinceStart().assertRanTimes(hostname, matcher, times);
  }

  /**
   * Remembers this point of the history: the returned {@link Mark} sees only what runs after it.
   * Use one per run when a test deploys more than once.
   */
  public Mark mark() {
    return new Mark(sequence.get());
  }

  /** Forgets the history (not the stubs, files, node models or unexpected commands). */
  public RecordingTransport clearHistory() {
    history.clear();
    return this;
  }

  private Mark sinceStart() {
    return new Mark(0);
  }

  /** The unexpected commands so far: those a strict mock refused. */
  public List<Recorded> unexpectedCommands() {
    return List.copyOf(unexpected);
  }

  /**
   * Fails if any unexpected command ran, naming each with its node — also those whose {@link
   * AssertionError} the code under test caught or wrapped. The JUnit extension calls it after each
   * test; {@link #close()} calls it too.
   */
  public void verify() {
    if (unexpected.isEmpty()) {
      return;
    }
    List<Recorded> all = List.copyOf(unexpected);
    AssertionError e = new AssertionError(all.size() == 1
        ? unexpectedMessage(all.get(0))
        : all.size() + " unexpected commands (nothing answers them; stub them, install a node model, or make the mock lenient()):\n  "
            + all.stream().map(Recorded::toString).collect(Collectors.joining("\n  ")));
    throw e;
  }

  /** True once {@link #close()} was called. */
  public boolean closed() {
    return closed;
  }

  /** Marks the mock closed, then {@link #verify() verifies} it. */
  @Override
  public void close() {
    closed = true;
    verify();
  }

  // ------------------------------------------------------------------------------------------
  // Execution
  // ------------------------------------------------------------------------------------------

  /**
   * A {@link io.github.multihead.plan.HealthContext} over this mock's executors for {@code nodes},
   * with a fresh {@link FakeClock} as clock and sleeper: to call a {@code NodeChooser} or a
   * {@code HealthCheck} directly in a test, without a {@code Cluster}.
   */
  public io.github.multihead.plan.HealthContext healthContext(io.github.multihead.spec.ClusterSpec spec, List<Node> nodes) {
    List<Node> targets = List.copyOf(nodes);
    FakeClock clock = FakeClock.create();
    return new io.github.multihead.plan.HealthContext() {
      @Override
      public io.github.multihead.spec.ClusterSpec spec() {
        return spec;
      }

      @Override
      public List<Node> nodes() {
        return targets;
      }

      @Override
      public NodeExecutor executor(Node node) {
        return RecordingTransport.this.executor(node);
      }

      @Override
      public java.time.Clock clock() {
        return clock;
      }

      @Override
      public io.github.multihead.plan.Sleeper sleeper() {
        return clock;
      }
    };
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

  private CommandResult execute(Node node, Command command) {
    String host = node.hostname();
    Recorded recorded = new Recorded(sequence.incrementAndGet(), host, command);
    history.add(recorded);
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if (r.claims(host, command)) {
        return r.responder.respond(node, command);
      }
    }
    Optional<FileOperation> op = command.fileOperation();
    if (op.isPresent()) {
      return fileOperation(host, op.get());
    }
    DebianNode model = everyNodeIsDebian != null ? debianNode(host) : debian.get(host);
    if (model != null) {
      Optional<CommandResult> answer = model.handle(node, command);
      if (answer.isPresent()) {
        return answer.get();
      }
    }
    if (lenient) {
      return CommandResult.success("");
    }
    unexpected.add(recorded);
    throw new AssertionError(unexpectedMessage(recorded));
  }

  private String unexpectedMessage(Recorded r) {
    StringBuilder sb = new StringBuilder("unexpected command on ").append(r.node).append(": ")
        .append(r.command.display()).append("\n  argv: ").append(r.command.argv());
    List<String> stubs = rules.stream().filter(x -> x.node == null || x.node.equals(r.node)).map(Rule::toString)
        .collect(Collectors.toList());
    sb.append("\n  stubs for ").append(r.node).append(": ")
        .append(stubs.isEmpty() ? "none" : String.join("; ", stubs.subList(Math.max(0, stubs.size() - 8), stubs.size())));
    boolean modelled = everyNodeIsDebian != null || debian.containsKey(r.node);
    sb.append("\n  node model: ").append(modelled ? "DebianNode (does not model this command)" : "none");
    sb.append("\n  stub it with mock.on(\"").append(r.node).append("\", …), install a node model, or opt in to mock.lenient()");
    return sb.toString();
  }

  private CommandResult fileOperation(String host, FileOperation op) {
    FakeFileSystem fs = fs(host);
    if (op instanceof FileOperation.Write write) {
      Upload upload = write.upload();
      if (fs.isDirectory(upload.path())) {
        return CommandResult.of(1, "", "mv: cannot overwrite directory '" + upload.path() + "'", Duration.ZERO);
      }
      fs.put(upload.path(), bytes(upload.content()), upload.mode(), fullOwner(upload.owner().orElse("")));
      return CommandResult.success("");
    }
    if (op instanceof FileOperation.Append append) {
      fs.append(append.path(), bytes(append.content()), 0640, "root:root");
      return CommandResult.success("");
    }
    if (op instanceof FileOperation.Read read) {
      return fs.get(read.path())
          .map(e -> CommandResult.of(0, e.data(), "", Duration.ZERO))
          .orElseGet(() -> CommandResult.of(FileOperation.MISSING, "", "", Duration.ZERO));
    }
    FileOperation.Stat stat = (FileOperation.Stat) op;
    return fs.get(stat.path()).map(e -> {
      String[] ownership = e.owner().split(":", 2);
      return FileOperation.Stat.answer(new FileOperation.FileAttributes(e.mode(), ownership[0], ownership[1]));
    }).orElseGet(FileOperation.Stat::missing);
  }

  private static byte[] bytes(io.github.multihead.exec.Content content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      content.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String fullOwner(String owner) {
    return owner.isEmpty() ? "root:root" : owner.contains(":") ? owner : owner + ":" + owner;
  }

  // ------------------------------------------------------------------------------------------

  /** A point in the history ({@link #mark()}): it sees only the commands that ran after it. */
  public final class Mark {
    private final long after;

    Mark(long after) {
      this.after = after;
    }

    /** What ran after this mark, in order. */
    public List<Recorded> history() {
      return RecordingTransport.this.history.stream().filter(r -> r.sequence > after)
          .collect(Collectors.toUnmodifiableList());
    }

    /** The commands that ran on {@code hostname} after this mark, in order. */
    public List<Command> commands(String hostname) {
      return history().stream().filter(r -> r.node.equals(hostname)).map(Recorded::command)
          .collect(Collectors.toUnmodifiableList());
    }

    /** How many commands matching {@code matcher} ran on {@code hostname} after this mark. */
    public int count(String hostname, Predicate<Command> matcher) {
      return (int) commands(hostname).stream().filter(matcher).count();
    }

    /** Fails unless a command matching {@code matcher} ran on {@code hostname} after this mark. */
    public void assertRan(String hostname, Predicate<Command> matcher) {
      if (commands(hostname).stream().noneMatch(matcher)) {
        throw new AssertionError("expected a command on " + hostname + " matching " + CommandMatcher.from(matcher)
            + "; ran:" + listing(commands(hostname)));
      }
    }

    /** Fails if a command matching {@code matcher} ran on {@code hostname} after this mark. */
    public void assertNotRan(String hostname, Predicate<Command> matcher) {
      List<Command> hits = commands(hostname).stream().filter(matcher).collect(Collectors.toList());
      if (!hits.isEmpty()) {
        throw new AssertionError("expected no command on " + hostname + " matching " + CommandMatcher.from(matcher)
            + "; ran:" + listing(hits));
      }
    }

    /** Fails unless exactly {@code times} commands matching {@code matcher} ran on {@code hostname}. */
    public void assertRanTimes(String hostname, Predicate<Command> matcher, int times) {
      List<Command> hits = commands(hostname).stream().filter(matcher).collect(Collectors.toList());
      if (hits.size() != times) {
        throw new AssertionError("expected " + times + " command(s) on " + hostname + " matching "
            + CommandMatcher.from(matcher) + ", found " + hits.size() + ":" + listing(hits));
      }
    }

    private String listing(List<Command> commands) {
      return commands.isEmpty() ? " nothing"
          : "\n  " + commands.stream().map(Command::display).collect(Collectors.joining("\n  "));
    }
  }

  /** The second half of {@code on(...)}: what to answer. */
  public final class Stubbing {
    private final String node;
    private final CommandMatcher matcher;
    private final int times;

    Stubbing(String node, CommandMatcher matcher, int times) {
      this.node = node;
      this.matcher = matcher;
      this.times = times;
    }

    /**
     * This stub answers only the first {@code times} matching commands; after that they fall
     * through to older stubs, the file system and the node model (e.g. one failed restart).
     */
    public Stubbing times(int times) {
      if (times < 1) {
        throw new IllegalArgumentException("times must be at least 1: " + times);
      }
      return new Stubbing(node, matcher, times);
    }

    /** Answer with this exit code and stdout. */
    public RecordingTransport respond(int exitCode, String stdout) {
      return respond(exitCode, stdout, "");
    }

    /** Answer with this exit code, stdout and stderr. */
    public RecordingTransport respond(int exitCode, String stdout, String stderr) {
      return respondWith((n, c) -> CommandResult.of(exitCode, stdout, stderr, Duration.ofMillis(1)));
    }

    /** Answer with whatever {@code response} computes from the command. */
    public RecordingTransport respondWith(Function<Command, CommandResult> response) {
      Objects.requireNonNull(response, "response");
      return respondWith((n, c) -> response.apply(c));
    }

    /** Answer with whatever {@code responder} computes from the node and the command. */
    public RecordingTransport respondWith(Responder responder) {
      rules.add(new Rule(node, matcher, Objects.requireNonNull(responder, "responder"), times));
      return RecordingTransport.this;
    }

    /** Fail as a transport would (connection lost, timeout), naming the node the command was for. */
    public RecordingTransport fail(String message) {
      return respondWith((n, c) -> {
        throw new TransportException(n.hostname(), message);
      });
    }

    /** Answer in turn with each response; the last one repeats. */
    public RecordingTransport respondInTurn(List<CommandResult> responses) {
      List<CommandResult> copy = new ArrayList<>(responses);
      int[] next = {0};
      return respondWith((n, c) -> {
        synchronized (next) {
          CommandResult r = copy.get(Math.min(next[0], copy.size() - 1));
          next[0]++;
          return r;
        }
      });
    }
  }
}
