package io.github.multihead.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multihead.testing.RecordingTransport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InterceptorTest {
  @Test
  void interceptorsRunOutermostFirstAndCanRewriteOrShortCircuit() {
    RecordingTransport mock = RecordingTransport.create();
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
}
