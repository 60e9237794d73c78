package io.github.multihead.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.internal.text.BoundedOutput;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedOutputTest {
  @Test
  void keepsEverythingWhenSmall() {
    BoundedOutput out = new BoundedOutput(8, 8);
    out.write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
    assertFalse(out.truncated());
    assertEquals("hello", new String(out.toByteArray(), StandardCharsets.UTF_8));
  }

  @Test
  void keepsHeadAndTailWhenLarge() {
    BoundedOutput out = new BoundedOutput(4, 4);
    byte[] data = "0123456789ABCDEF".getBytes(StandardCharsets.UTF_8);
    for (byte b : data) {
      out.write(b);
    }
    assertTrue(out.truncated());
    assertEquals(16, out.total());
    String s = new String(out.toByteArray(), StandardCharsets.UTF_8);
    assertTrue(s.startsWith("0123"), s);
    assertTrue(s.endsWith("CDEF"), s);
    assertTrue(s.contains("8 bytes omitted"), s);
  }

  @Test
  void chunkedWritesAcrossTheHeadBoundary() {
    BoundedOutput large = new BoundedOutput(4, 4);
    large.write("1234".getBytes(StandardCharsets.UTF_8), 0, 4);
    large.write("abcdefghij".getBytes(StandardCharsets.UTF_8), 0, 10);
    String kept = new String(large.toByteArray(), StandardCharsets.UTF_8);
    assertTrue(kept.startsWith("1234\n[… 6 bytes omitted …]\n"), kept);
    assertTrue(kept.endsWith("ghij"), kept);
  }
}
