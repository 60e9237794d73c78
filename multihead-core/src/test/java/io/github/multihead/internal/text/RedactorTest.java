package io.github.multihead.internal.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.MultiheadException;
import io.github.multihead.spec.Secret;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  static final String SECRET = "planted-secret-4f9a2c";
  final Redactor redactor = Redactor.of(List.of(Secret.of(SECRET)));

  static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aSecretPlantedInACauseChainNeverReachesTheRedactedCopy() {
    IOException root = new IOException("node said: password=" + SECRET + " rejected");
    UncheckedIOException middle = new UncheckedIOException("write failed (" + SECRET + ")", root);
    middle.addSuppressed(new IllegalStateException("cleanup saw " + SECRET));
    MultiheadException top = new MultiheadException("step 'configure mariadb' failed on hn1", middle);
    assertTrue(printed(top).contains(SECRET)); // the original leaks when printed

    Throwable copy = redactor.redact(top);
    String text = printed(copy);
    assertFalse(text.contains(SECRET), text);
    assertTrue(text.startsWith("io.github.multihead.MultiheadException: step 'configure mariadb' failed on hn1"), text);
    assertTrue(text.contains("Caused by: java.io.UncheckedIOException: write failed (<redacted>)"), text);
    assertTrue(text.contains("Suppressed: java.lang.IllegalStateException: cleanup saw <redacted>"), text);
    assertTrue(text.contains("Caused by: java.io.IOException: node said: password=<redacted> rejected"), text);
    assertTrue(text.contains("\tat io.github.multihead.internal.text.RedactorTest."), "stack traces kept: " + text);
    assertEquals(top.getStackTrace().length, copy.getStackTrace().length);
    assertEquals("io.github.multihead.MultiheadException",
        ((Redactor.RedactedThrowable) copy).originalClassName());
  }

  @Test
  void aCleanChainIsReturnedAsItIs() {
    MultiheadException e = new MultiheadException("no secret here", new IOException("nor here"));
    assertSame(e, redactor.redact(e));
    assertSame(e, Redactor.none().redact(e));
  }

  @Test
  void aCyclicChainIsCopiedOnce() {
    Exception a = new Exception("a " + SECRET);
    Exception b = new Exception("b", a);
    a.addSuppressed(b); // a -> suppressed b -> cause a
    String text = printed(redactor.redact(a));
    assertFalse(text.contains(SECRET), text);
    assertTrue(text.contains("CIRCULAR REFERENCE"), text);
  }

  @Test
  void secretsShorterThanTheMinimumAreNotMasked() {
    Redactor r = Redactor.of(List.of(Secret.of("admin12")));
    assertEquals("admin12 is shown", r.redact("admin12 is shown"));
    assertEquals(8, Redactor.MIN_SECRET_LENGTH);
  }
}
