package io.github.multihead.ssh.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * Takes the first line of a remote command's stdout, where the wrapper printed the PID of the
 * remote process (a session and process-group leader), and forwards everything after it.
 */
final class PidFilter extends OutputStream {
  private static final int MAX_PID_LINE = 24;
  private final OutputStream sink;
  private final CompletableFuture<Long> pid = new CompletableFuture<>();
  private final StringBuilder first = new StringBuilder();
  private boolean passing;

  PidFilter(OutputStream sink) {
    this.sink = sink;
  }

  /** The remote PID, once its line has arrived; completes with null if the line was not a PID. */
  CompletableFuture<Long> pid() {
    return pid;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    if (passing) {
      sink.write(b, off, len);
      return;
    }
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        String line = first.toString();
        passing = true;
        if (line.matches("[0-9]{1,10}")) {
          pid.complete(Long.parseLong(line));
        } else {
          // not our PID line (a chatty login shell?): keep it as output
          pid.complete(null);
          sink.write(line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
          sink.write('\n');
        }
        sink.write(b, i + 1, off + len - i - 1);
        return;
      }
      first.append((char) (b[i] & 0xff));
      if (first.length() > MAX_PID_LINE) {
        passing = true;
        pid.complete(null);
        sink.write(first.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        sink.write(b, i + 1, off + len - i - 1);
        return;
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (!passing && first.length() > 0) {
      sink.write(first.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    pid.complete(null);
    sink.close();
  }
}
