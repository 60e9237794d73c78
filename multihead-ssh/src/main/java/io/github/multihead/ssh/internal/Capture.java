package io.github.multihead.ssh.internal;

import io.github.multihead.internal.text.BoundedOutput;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * A {@link BoundedOutput} that costs only what was written until the output outgrows head + tail.
 * (BoundedOutput allocates its whole tail up front — 1 MiB per command, 200 MiB for a 200-node
 * fan-out — so small outputs are kept in a growing array first and replayed into a BoundedOutput
 * only when they get large.)
 */
final class Capture extends OutputStream {
  private final int head;
  private final int tail;
  private ByteArrayOutputStream small = new ByteArrayOutputStream(256);
  private BoundedOutput large;

  Capture(int head, int tail) {
    this.head = head;
    this.tail = tail;
  }

  Capture() {
    this(BoundedOutput.DEFAULT_HEAD, BoundedOutput.DEFAULT_TAIL);
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    if (large == null && (long) small.size() + len <= (long) head + tail) {
      small.write(b, off, len);
      return;
    }
    if (large == null) {
      large = new BoundedOutput(head, tail);
      byte[] kept = small.toByteArray();
      large.write(kept, 0, kept.length);
      small = null;
    }
    large.write(b, off, len);
  }

  /** The kept bytes (head, an omission marker, tail) — see {@link BoundedOutput#toByteArray()}. */
  synchronized byte[] toByteArray() {
    return large != null ? large.toByteArray() : small.toByteArray();
  }
}
