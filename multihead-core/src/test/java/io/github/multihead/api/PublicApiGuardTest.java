package io.github.multihead.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.Cluster;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No public signature outside internal packages mentions Guava, SnakeYAML, Jackson, or generated types. */
class PublicApiGuardTest {
  @Test
  void coreApiIsClean() throws Exception {
    List<String> violations = ApiGuard.violations(Cluster.class);
    assertTrue(ApiGuard.lastScanned() > 40, "scanned only " + ApiGuard.lastScanned() + " classes");
    assertEquals(List.of(), violations);
  }

  @Test
  void guardCatchesALeak() throws Exception {
    // The guard itself must be able to fail: an internal type in a public signature is reported.
    List<String> v = ApiGuard.check(Leaky.class);
    assertEquals(1, v.size(), v.toString());
    assertTrue(v.get(0).contains("io.github.multihead.internal.text.Redactor"), v.toString());
  }

  /** A deliberately bad public type (test only). */
  public static final class Leaky {
    public io.github.multihead.internal.text.Redactor redactor() {
      return null;
    }
  }
}
