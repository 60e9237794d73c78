package io.github.multihead.internal.text;

import io.github.multihead.exec.OutputListener;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that forwards bytes to a sink and hands complete lines to an {@link
 * OutputListener}. Lines longer than 64 KiB are cut.
 */
public final class LineSplitter extends OutputStream {
  private static final int MAX_LINE = 64 * 1024;
  private final OutputStream sink;
  private final OutputListener listener;
  private final OutputListener.Stream stream;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  public LineSplitter(OutputStream sink, OutputListener listener, OutputListener.Stream stream) {
    this.sink = sink;
    this.listener = listener;
    this.stream = stream;
  }

  @Override
  public synchronized void write(int b) throws java.io.IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
    sink.write(b, off, len);
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        emit();
      } else if (line.size() < MAX_LINE) {
        line.write(b[i]);
      }
    }
  }

  private void emit() {
    String text = new String(line.toByteArray(), StandardCharsets.UTF_8);
    line.reset();
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    try {
      listener.line(stream, text);
    } catch (RuntimeException ignored) {
      // a listener must not break the command
    }
  }

  @Override
  public synchronized void close() throws java.io.IOException {
    if (line.size() > 0) {
      emit();
    }
    sink.close();
  }
}
