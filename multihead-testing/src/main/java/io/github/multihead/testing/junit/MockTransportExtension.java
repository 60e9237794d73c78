package io.github.multihead.testing.junit;

import io.github.multihead.testing.FakeClock;
import io.github.multihead.testing.RecordingTransport;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Gives each test a fresh strict {@link RecordingTransport} and {@link FakeClock}, and fails the
 * test if an unexpected command ran — also when the code under test caught the {@link
 * AssertionError} or the engine wrapped it.
 *
 * <pre>{@code
 * @ExtendWith(MockTransportExtension.class)
 * class NginxPhaseTest {
 *   RecordingTransport mock;   // null fields of these types are filled before each test
 *   FakeClock clock;
 *
 *   @Test
 *   void restartsOnce(RecordingTransport mock, FakeClock clock) {   // or as parameters: the same instances
 *     mock.debianNodes(n -> n.packageWithService("nginx"));
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Non-static fields of type {@code RecordingTransport} or {@code FakeClock} that are null
 *       before each test are set to the test's instances; a field the test class already set (say
 *       to a mock it made {@code lenient()}) is kept, and verified too.
 *   <li>Test and {@code @BeforeEach} method parameters of those types get the same instances.
 *   <li>After each test that passed, every such mock is {@link RecordingTransport#verify()
 *       verified}. When a test fails because the engine wrapped a mock's {@code AssertionError}
 *       (a node thread's error becomes a {@code MultiheadException}) or turned it into a step or
 *       postcondition failure, the failure is reported as the unexpected command itself, with the
 *       original exception attached.
 * </ul>
 *
 * <p>Mocks the test creates itself with {@code RecordingTransport.create()} in a local variable
 * are not seen here: call {@code verify()} or {@code close()} on them.
 */
public final class MockTransportExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MockTransportExtension.class);

  /** The instances of one test. */
  private static final class Fixtures {
    RecordingTransport mock;
    FakeClock clock;
    final List<RecordingTransport> mocks = new ArrayList<>();

    RecordingTransport mock() {
      if (mock == null) {
        adopt(RecordingTransport.create());
      }
      return mock;
    }

    FakeClock clock() {
      if (clock == null) {
        clock = FakeClock.create();
      }
      return clock;
    }

    void adopt(RecordingTransport m) {
      if (mock == null) {
        mock = m;
      }
      if (mocks.stream().noneMatch(x -> x == m)) {
        mocks.add(m);
      }
    }

    boolean anyUnexpected() {
      return mocks.stream().anyMatch(m -> !m.unexpectedCommands().isEmpty());
    }

    void verifyAll() {
      for (RecordingTransport m : mocks) {
        m.verify();
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Fixtures fixtures = fixtures(context);
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> c = instance.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers())) {
            continue;
          }
          if (f.getType() == RecordingTransport.class) {
            f.setAccessible(true);
            Object current = f.get(instance);
            if (current == null) {
              f.set(instance, fixtures.mock());
            } else {
              fixtures.adopt((RecordingTransport) current);
            }
          } else if (f.getType() == FakeClock.class) {
            f.setAccessible(true);
            Object current = f.get(instance);
            if (current == null) {
              f.set(instance, fixtures.clock());
            } else if (fixtures.clock == null) {
              fixtures.clock = (FakeClock) current;
            }
          }
        }
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return parameter.getDeclaringExecutable() instanceof Method
        && (type == RecordingTransport.class || type == FakeClock.class);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException("MockTransportExtension gives a RecordingTransport or FakeClock "
          + "to test and @BeforeEach/@AfterEach methods only, not to " + parameter.getDeclaringExecutable());
    }
    Fixtures fixtures = fixtures(context);
    return parameter.getParameter().getType() == RecordingTransport.class ? fixtures.mock() : fixtures.clock();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
    Fixtures fixtures = fixtures(context);
    if (thrown instanceof AssertionError || !fixtures.anyUnexpected()) {
      throw thrown;
    }
    Optional<Throwable> wrapped = Optional.empty();
    for (Throwable t = thrown.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof AssertionError) {
        wrapped = Optional.of(t);
        break;
      }
    }
    if (wrapped.isPresent()) {
      // the engine wrapped the mock's failure (e.g. a node thread's error): report the failure itself
      throw new AssertionError(wrapped.get().getMessage(), thrown);
    }
    // the code under test turned it into something else (a failed step or postcondition)
    try {
      fixtures.verifyAll();
    } catch (AssertionError e) {
      e.addSuppressed(thrown);
      throw e;
    }
    throw thrown;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      return; // the test failed already; its failure says more than a second report would
    }
    fixtures(context).verifyAll();
  }

  private static Fixtures fixtures(ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(Fixtures.class, k -> new Fixtures(), Fixtures.class);
  }
}
