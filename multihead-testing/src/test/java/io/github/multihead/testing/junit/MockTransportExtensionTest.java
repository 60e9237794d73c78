package io.github.multihead.testing.junit;

import static io.github.multihead.testing.CommandMatchers.argvEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.multihead.MultiheadException;
import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs small sample test classes (static nested, so Surefire does not run them on their own)
 * through the JUnit launcher and checks what a user would see.
 */
class MockTransportExtensionTest {
  static final Node N1 = Node.of("n1", "10.0.0.1");

  private static TestExecutionSummary run(Class<?> sample) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(sample)).build(), listener);
    return listener.getSummary();
  }

  private static Throwable onlyFailure(TestExecutionSummary summary) {
    assertEquals(1, summary.getTotalFailureCount(), () -> summary.getFailures().toString());
    return summary.getFailures().get(0).getException();
  }

  @ExtendWith(MockTransportExtension.class)
  static class Injects {
    RecordingTransport mock;
    FakeClock clock;
    RecordingTransport seenInBeforeEach;

    @BeforeEach
    void setUp(RecordingTransport mock) {
      seenInBeforeEach = mock;
    }

    @Test
    void fieldsAndParametersAreTheSameFreshInstances(RecordingTransport mock, FakeClock clock) {
      assertNotNull(this.mock);
      assertSame(this.mock, mock);
      assertSame(this.mock, seenInBeforeEach);
      assertSame(this.clock, clock);
      assertTrue(this.mock.history().isEmpty());
      clock.advance(Duration.ofSeconds(1));
      mock.on(argvEquals("true")).respond(0, "");
      mock.executor(N1).run(Command.of("true"));
    }

    @Test
    void anotherTestGetsOthers() {
      assertTrue(mock.history().isEmpty());
      assertEquals(FakeClock.create().instant(), clock.instant());
    }
  }

  @Test
  void injectsFreshInstances() {
    TestExecutionSummary s = run(Injects.class);
    assertEquals(2, s.getTestsSucceededCount(), () -> s.getFailures().toString());
  }

  @ExtendWith(MockTransportExtension.class)
  static class SwallowsTheError {
    @Test
    void codeUnderTestCatchesEverything(RecordingTransport mock) {
      try {
        mock.executor(N1).run(Command.of("reboot"));
      } catch (Throwable ignored) {
        // a sloppy phase or a catch-all in the engine
      }
    }
  }

  @Test
  void anUnexpectedCommandFailsTheTestEvenWhenSwallowed() {
    Throwable e = onlyFailure(run(SwallowsTheError.class));
    assertTrue(e instanceof AssertionError, e.toString());
    assertTrue(e.getMessage().startsWith("unexpected command on n1: reboot"), e.getMessage());
  }

  @ExtendWith(MockTransportExtension.class)
  static class WrapsTheError {
    @Test
    void engineWrapsIt(RecordingTransport mock) {
      try {
        mock.executor(N1).run(Command.of("reboot"));
      } catch (AssertionError e) {
        throw new MultiheadException(String.valueOf(e), e); // what the engine's node pool does
      }
    }
  }

  @Test
  void aWrappedUnexpectedCommandIsReportedAsAFailureNotAnError() {
    Throwable e = onlyFailure(run(WrapsTheError.class));
    assertTrue(e instanceof AssertionError, e.toString());
    assertTrue(e.getMessage().startsWith("unexpected command on n1: reboot"), e.getMessage());
    assertTrue(e.getCause() instanceof MultiheadException, String.valueOf(e.getCause()));
  }

  @ExtendWith(MockTransportExtension.class)
  static class TurnsItIntoAnotherFailure {
    @Test
    void aPhaseReportsItsOwnFailure(RecordingTransport mock) {
      try {
        mock.executor(N1).run(Command.of("reboot"));
      } catch (AssertionError e) {
        throw new IllegalStateException("postcondition failed: reboot did not work");
      }
    }
  }

  @Test
  void theUnexpectedCommandIsNamedAsTheCause() {
    Throwable e = onlyFailure(run(TurnsItIntoAnotherFailure.class));
    assertTrue(e instanceof AssertionError, e.toString());
    assertTrue(e.getMessage().startsWith("unexpected command on n1: reboot"), e.getMessage());
    assertEquals(List.of("postcondition failed: reboot did not work"),
        List.of(e.getSuppressed()).stream().map(Throwable::getMessage).toList());
  }

  @ExtendWith(MockTransportExtension.class)
  static class KeepsALenientField {
    RecordingTransport mock = RecordingTransport.create().lenient();

    @Test
    void lenientIsKept(RecordingTransport injected) {
      assertSame(mock, injected);
      assertEquals(0, injected.executor(N1).run(Command.of("reboot")).exitCode());
    }
  }

  @Test
  void aFieldTheTestSetIsKept() {
    TestExecutionSummary s = run(KeepsALenientField.class);
    assertEquals(1, s.getTestsSucceededCount(), () -> s.getFailures().toString());
  }
}
