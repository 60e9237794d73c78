package io.github.multihead.internal.text;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures a command's output within a fixed budget: the first {@code headLimit} bytes and the
 * last {@code tailLimit} bytes are kept, the middle is counted and dropped. 100 MB of output
 * therefore costs at most head + tail bytes of memory; small output costs only its size (the head
 * grows as written, the tail ring is allocated only once the head is full).
 */
public final class BoundedOutput extends OutputStream {
  public static final int DEFAULT_HEAD = 1 << 20;
  public static final int DEFAULT_TAIL = 1 << 20;

  private final ByteArrayOutputStream head = new ByteArrayOutputStream();
  private final int headLimit;
  private final int tailLimit;
  private byte[] tail;
  private int tailStart;
  private int tailSize;
  private long total;

  public BoundedOutput() {
    this(DEFAULT_HEAD, DEFAULT_TAIL);
  }

  public BoundedOutput(int headLimit, int tailLimit) {
    this.headLimit = headLimit;
    this.tailLimit = Math.max(1, tailLimit);
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    total += len;
    int toHead = Math.min(len, headLimit - head.size());
    if (toHead > 0) {
      head.write(b, off, toHead);
      off += toHead;
      len -= toHead;
    }
    if (len > 0 && tail == null) {
      tail = new byte[tailLimit];
    }
    for (int i = 0; i < len; i++) {
      int pos = (tailStart + tailSize) % tail.length;
      tail[pos] = b[off + i];
      if (tailSize < tail.length) {
        tailSize++;
      } else {
        tailStart = (tailStart + 1) % tail.length;
      }
    }
  }

  /** Total bytes written, kept or not. */
  public synchronized long total() {
    return total;
  }

  /** True if bytes were dropped from the middle. */
  public synchronized boolean truncated() {
    return total > head.size() + tailSize;
  }

  /** The kept bytes; when truncated, a marker line stands where the middle was. */
  public synchronized byte[] toByteArray() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.size() + tailSize + 64);
    out.writeBytes(head.toByteArray());
    if (truncated()) {
      long dropped = total - head.size() - tailSize;
      out.writeBytes(("\n[… " + dropped + " bytes omitted …]\n").getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < tailSize; i++) {
      out.write(tail[(tailStart + i) % tail.length]);
    }
    return out.toByteArray();
  }
}
