package io.github.multihead.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multihead.testing.RecordingTransport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterceptorTest {
  @Test
  void interceptorsRunOutermostFirstAndCanRewriteOrShortCircuit() {
    RecordingTransport mock = RecordingTransport.create()
        .on(io.github.multihead.testing.CommandMatchers.argvStartsWith("echo")).respond(0, "rewritten\n");
    List<String> order = new ArrayList<>();
    Interceptor first = chain -> {
      order.add("first:" + chain.command().argv());
      return chain.proceed(chain.command());
    };
    Interceptor rewrite = chain -> {
      order.add("rewrite");
      return chain.proceed(Command.of("echo", "rewritten"));
    };
    Interceptor shortCircuit = chain -> chain.command().argv().get(0).equals("reboot")
        ? CommandResult.of(99, "", "refused", java.time.Duration.ZERO)
        : chain.proceed(chain.command());
    NodeExecutor ex = mock.with(first, shortCircuit, rewrite).executor(Node.of("n1", "10.0.0.1"));
    ex.run(Command.of("hostname"));
    assertEquals(99, ex.run(Command.of("reboot")).exitCode());
    assertEquals(List.of("first:[hostname]", "rewrite", "first:[reboot]"), order);
    assertEquals(List.of(List.of("echo", "rewritten")), mock.commands("n1").stream().map(Command::argv).collect(java.util.stream.Collectors.toList()));
  }

  @Test
  void uploadsPassTheChainAsCommandsThenUseTheTransportsOwnUpload() {
    List<String> uploads = new ArrayList<>();
    Transport custom = new Transport() {
      @Override
      public NodeExecutor executor(Node node) {
        return new NodeExecutor() {
          @Override
          public Node node() {
            return node;
          }

          @Override
          public CommandResult run(Command command) {
            throw new AssertionError("the upload should not have become a command: " + command.display());
          }

          @Override
          public void upload(Upload upload) {
            uploads.add(upload.describe());
          }
        };
      }

      @Override
      public void close() {}
    };
    List<String> seen = new ArrayList<>();
    NodeExecutor ex = custom.with(chain -> {
      seen.add(chain.command().display());
      return chain.proceed(chain.command());
    }).executor(Node.of("n1", "10.0.0.1"));
    ex.upload(Upload.of("/etc/x.conf", Content.of("a=1\n"), 0640).ownedBy("root:adm"));
    assertEquals(List.of("(as root) write /etc/x.conf (0640 root:adm, 4 bytes)"), seen);
    assertEquals(List.of("write /etc/x.conf (0640 root:adm, 4 bytes)"), uploads);
    // and a guard can refuse it like any command
    NodeExecutor guarded = custom.with(Interceptors.readOnlyGuard()).executor(Node.of("n1", "10.0.0.1"));
    org.junit.jupiter.api.Assertions.assertThrows(io.github.multihead.MultiheadException.class,
        () -> guarded.upload(Upload.of("/etc/y.conf", Content.of("b\n"), 0644)));
    assertEquals(1, uploads.size());
  }
}
