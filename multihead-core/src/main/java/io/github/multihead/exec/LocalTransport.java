package io.github.multihead.exec;

import io.github.multihead.internal.text.BoundedOutput;
import io.github.multihead.internal.text.LineSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands on this machine with {@link ProcessBuilder}: argv is passed to the kernel as is, no
 * shell in between. {@code sudo} commands get {@code sudo -n} unless we already are root. On
 * timeout the process and all its descendants are killed.
 */
public final class LocalTransport implements Transport {
  private final Node node;

  private LocalTransport(Node node) {
    this.node = node;
  }

  /** A transport whose every executor runs on this machine, named {@code localhost}. */
  public static LocalTransport create() {
    return new LocalTransport(Node.local());
  }

  /** The executor for this machine, whatever node is asked for. */
  public NodeExecutor executor() {
    return executor(node);
  }

  @Override
  public NodeExecutor executor(Node requested) {
    return new LocalExecutor(requested);
  }

  @Override
  public void close() {}

  private static final class LocalExecutor implements NodeExecutor {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private final Node node;

    LocalExecutor(Node node) {
      this.node = node;
    }

    @Override
    public Node node() {
      return node;
    }

    @Override
    public CommandResult run(Command command) {
      List<String> argv = new ArrayList<>();
      if (command.sudo() && !ROOT) {
        argv.addAll(List.of("sudo", "-n", "--"));
      }
      argv.addAll(command.argv());
      ProcessBuilder pb = new ProcessBuilder(argv);
      pb.environment().putAll(command.env());
      command.workdir().ifPresent(dir -> pb.directory(new java.io.File(dir)));
      long start = System.nanoTime();
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new TransportException(node.hostname(), command.display(),
            "cannot run `" + command.display() + "`: " + e.getMessage(), e);
      }
      BoundedOutput out = new BoundedOutput();
      BoundedOutput err = new BoundedOutput(64 * 1024, 64 * 1024);
      Thread outPump = pump(process.getInputStream(),
          new LineSplitter(out, command.outputListener(), OutputListener.Stream.STDOUT), "stdout");
      Thread errPump = pump(process.getErrorStream(),
          new LineSplitter(err, command.outputListener(), OutputListener.Stream.STDERR), "stderr");
      Thread inPump = new Thread(() -> {
        try (OutputStream stdin = process.getOutputStream()) {
          if (command.stdin().isPresent()) {
            command.stdin().get().writeTo(stdin);
          }
        } catch (IOException ignored) {
          // the process closed its stdin early; its exit code tells the rest
        }
      }, "multihead-local-stdin");
      inPump.setDaemon(true);
      inPump.start();
      try {
        boolean finished = process.waitFor(command.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (!finished) {
          killTree(process);
          throw new CommandTimeoutException(node.hostname(), command.display(), command.timeout());
        }
        // A daemon started by the command may keep the pipes open: do not wait for it forever.
        outPump.join(10_000);
        errPump.join(10_000);
      } catch (InterruptedException e) {
        killTree(process);
        Thread.currentThread().interrupt();
        throw new TransportException(node.hostname(), command.display(),
            "interrupted while running `" + command.display() + "`", e);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      String stderr = new String(err.toByteArray(), StandardCharsets.UTF_8);
      return out.truncated()
          ? CommandResult.truncated(process.exitValue(), out.toByteArray(), stderr, took)
          : CommandResult.of(process.exitValue(), out.toByteArray(), stderr, took);
    }

    /**
     * Reads the file directly, whole; a file only root may read is read through {@code sudo -n cat}
     * (streamed, not captured) when we are not root.
     */
    @Override
    public Optional<byte[]> read(String path) {
      Path file = Path.of(path);
      try {
        return Optional.of(Files.readAllBytes(file));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (AccessDeniedException e) {
        if (ROOT) {
          throw new TransportException(node.hostname(), "cannot read " + path + ": permission denied", e);
        }
        return readWithSudo(path);
      } catch (IOException e) {
        throw new TransportException(node.hostname(), "cannot read " + path + ": " + e.getMessage(), e);
      }
    }

    private Optional<byte[]> readWithSudo(String path) {
      Command read = new FileOperation.Read(path).toCommand();
      List<String> argv = new ArrayList<>(List.of("sudo", "-n", "--"));
      argv.addAll(read.argv());
      try {
        Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        BoundedOutput err = new BoundedOutput(64 * 1024, 64 * 1024);
        Thread errPump = pump(process.getErrorStream(), err, "stderr");
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
          in.transferTo(data);
        }
        if (!process.waitFor(read.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
          killTree(process);
          throw new CommandTimeoutException(node.hostname(), read.display(), read.timeout());
        }
        errPump.join(10_000);
        int exit = process.exitValue();
        if (exit == FileOperation.MISSING) {
          return Optional.empty();
        }
        if (exit != 0) {
          String tail = CommandResult.of(exit, "", new String(err.toByteArray(), StandardCharsets.UTF_8), Duration.ZERO)
              .stderrTail();
          throw new TransportException(node.hostname(), read.display(), "cannot read " + path + ": exit " + exit + ": " + tail,
              null);
        }
        return Optional.of(data.toByteArray());
      } catch (IOException e) {
        throw new TransportException(node.hostname(), read.display(), "cannot read " + path + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException(node.hostname(), read.display(), "interrupted while reading " + path, e);
      }
    }

    private static void killTree(Process process) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static Thread pump(InputStream in, OutputStream sink, String name) {
      Thread t = new Thread(() -> {
        try (InputStream input = in; OutputStream output = sink) {
          input.transferTo(output);
        } catch (IOException e) {
          if (!"Stream closed".equals(e.getMessage())) {
            throw new UncheckedIOException(e);
          }
        }
      }, "multihead-local-" + name);
      t.setDaemon(true);
      t.start();
      return t;
    }

    @Override
    public String toString() {
      return "LocalExecutor[" + node + "]";
    }
  }
}
