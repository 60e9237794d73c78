package io.github.multihead.ssh.internal;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.TransportException;
import io.github.multihead.exec.Upload;
import io.github.multihead.exec.FileOperation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * File transfer over SFTP. An upload streams to a temporary file created 0600 (in the target
 * directory when we log in as root, else in the login user's home), then one small script —
 * through sudo when needed — verifies the SHA-256, moves the bytes into a temporary file in the
 * target directory, sets owner and mode, and renames it over the target: readers see the old file
 * or the new one, never half of one.
 */
public final class SftpFiles {
  private static final int BUFFER = 64 * 1024;
  private static final java.time.Duration TRANSFER_TIMEOUT = java.time.Duration.ofHours(6);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The largest file {@link #read} loads into one array. */
  private static final long MAX_READ = Integer.MAX_VALUE - 16;

  // $1 staged file, $2 expected sha256, $3 octal mode, $4 owner or "", $5 target
  private static final String FINALIZE =
      "set -eu\n"
          + "src=$1 sum=$2 mode=$3 owner=$4 dst=$5 tmp=\n"
          + "trap 'rm -f -- \"$src\" ${tmp:+\"$tmp\"}' EXIT\n"
          + "dir=$(dirname -- \"$dst\")\n"
          + "if [ \"$(dirname -- \"$src\")\" = \"$dir\" ]; then tmp=$src; else\n"
          + "  mkdir -p -- \"$dir\"; tmp=$(mktemp \"$dir/.multihead.XXXXXXXX\"); cat -- \"$src\" > \"$tmp\"; fi\n"
          + "actual=$(sha256sum < \"$tmp\" | cut -d' ' -f1)\n"
          + "if [ \"$actual\" != \"$sum\" ]; then\n"
          + "  echo \"checksum mismatch after transfer to $dst: expected sha256 $sum, got $actual\" >&2; exit 3; fi\n"
          + "if [ -n \"$owner\" ]; then chown -- \"$owner\" \"$tmp\"; fi\n"
          + "chmod -- \"$mode\" \"$tmp\"\n"
          + "mv -f -- \"$tmp\" \"$dst\"\n"
          + "tmp=\n";

  private static final String SHA256 = "exec sha256sum < \"$1\"";

  private final NodeConnection connection;

  public SftpFiles(NodeConnection connection) {
    this.connection = connection;
  }

  private String host() {
    return connection.node().hostname();
  }

  private boolean root() {
    return "root".equals(connection.node().user());
  }

  /** Writes {@code upload} atomically with its mode and owner. */
  public void upload(Upload upload) {
    transfer(upload.path(), upload.mode(), upload.owner().orElse(""), upload.describe(), out -> upload.content().writeTo(out));
  }

  /** Streams the local file {@code source} to {@code path} atomically with {@code mode} and {@code owner}. */
  public void upload(Path source, String path, int mode, String owner) {
    String what = "write " + path + " (" + String.format("%04o", mode) + (owner.isEmpty() ? "" : " " + owner)
        + ", from " + source + ")";
    Upload.of(path, Content.empty(), mode); // validates path and mode
    if (!owner.isEmpty()) {
      Upload.of(path, Content.empty(), mode).ownedBy(owner);
    }
    transfer(path, mode, owner, what, out -> {
      try (InputStream in = Files.newInputStream(source)) {
        in.transferTo(out);
      }
    });
  }

  private interface Writer {
    void writeTo(OutputStream out) throws IOException;
  }

  private void transfer(String path, int mode, String owner, String what, Writer content) {
    String dir = path.substring(0, Math.max(1, path.lastIndexOf('/')));
    String name = ".multihead." + Long.toUnsignedString(RANDOM.nextLong(), 36);
    Runnable release = connection.acquireChannel(what);
    String staged = null;
    try {
      ClientSession session = connection.sessionNow();
      String sum;
      try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
        if (root()) {
          staged = (dir.equals("/") ? "" : dir) + "/" + name;
          try {
            createPrivate(sftp, staged);
          } catch (SftpException e) {
            if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) {
              throw e;
            }
            CommandResult mk = connection.run(Command.of("mkdir", "-p", "--", dir));
            if (!mk.ok()) {
              throw new TransportException(host(), what, what + " failed: cannot create " + dir + ": " + mk.stderrTail(),
                  null);
            }
            createPrivate(sftp, staged);
          }
        } else {
          staged = sftp.canonicalPath(".") + "/" + name;
          createPrivate(sftp, staged);
        }
        MessageDigest digest = sha256();
        try (OutputStream remote = sftp.write(staged, BUFFER, EnumSet.of(OpenMode.Write, OpenMode.Truncate));
            DigestOutputStream out = new DigestOutputStream(remote, digest)) {
          content.writeTo(out);
        }
        sum = HexFormat.of().formatHex(digest.digest());
      }
      release.run();
      release = null;
      String s = staged;
      staged = null; // the script removes it from here on
      CommandResult r = connection.run(Command.shell(FINALIZE, s, sum, String.format("%04o", mode), owner, path)
          .toBuilder().sudo(true).description(what).build());
      if (!r.ok()) {
        throw new TransportException(host(), what, what + " failed with exit " + r.exitCode() + ": " + r.stderrTail(),
            null);
      }
    } catch (IOException e) {
      throw new TransportException(host(), what, what + " failed: " + e.getMessage(), e);
    } finally {
      if (release != null) {
        release.run();
      }
      if (staged != null) {
        removeQuietly(staged);
      }
    }
  }

  private static void createPrivate(SftpClient sftp, String path) throws IOException {
    try (SftpClient.CloseableHandle h = sftp.open(path, EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive))) {
      sftp.setStat(h, new SftpClient.Attributes().perms(0600));
    }
  }

  private void removeQuietly(String path) {
    try {
      connection.run(Command.of("rm", "-f", "--", path).withSudo());
    } catch (RuntimeException ignored) {
      // best effort: the connection may be gone
    }
  }

  /**
   * Copies the remote file {@code path} to {@code target} (atomically, via a temporary file next
   * to it), streaming, with its SHA-256 checked against the node's. As root over SFTP; as another
   * user through {@code sudo cat}, so root-only files (backups) can be fetched.
   */
  public void download(String path, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, ".multihead-download.", ".part");
      MessageDigest digest = sha256();
      if (root()) {
        Runnable release = connection.acquireChannel("download " + path);
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.sessionNow());
            InputStream in = new DigestInputStream(sftp.read(path, BUFFER), digest);
            OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        } finally {
          release.run();
        }
      } else {
        CommandResult r;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
          r = connection.runStreaming(Command.builder().argv(java.util.List.of("cat", "--", path))
              .sudo(true).readOnly(true).timeout(TRANSFER_TIMEOUT).description("read " + path).build(), out);
        }
        if (!r.ok()) {
          throw new TransportException(host(), "cannot read " + path + ": exit " + r.exitCode() + ": " + r.stderrTail());
        }
      }
      String local = HexFormat.of().formatHex(digest.digest());
      CommandResult sum = connection.run(Command.shell(SHA256, path).toBuilder().sudo(true).readOnly(true)
          .description("sha256sum " + path).build());
      String remote = sum.stdout().trim().split("\\s+")[0];
      if (!sum.ok() || !remote.equals(local)) {
        throw new TransportException(host(), "checksum mismatch downloading " + path + ": node has sha256 "
            + (sum.ok() ? remote : "? (" + sum.stderrTail() + ")") + ", received " + local);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw new TransportException(host(), "download of " + path + " failed: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // temp file cleanup
        }
      }
    }
  }

  /**
   * Reads the whole remote file {@code path} into memory, exactly; empty if it does not exist.
   * Over SFTP as the login user; when that is refused and the login user is not root, through
   * {@code sudo cat} (streamed, not captured), so root-only files can be read. Either way the
   * SHA-256 of what arrived must match the node's {@code sha256sum} of the file, or it fails.
   */
  public Optional<byte[]> read(String path) {
    String what = "read " + path;
    Command sudoCat = new FileOperation.Read(path).toCommand().toBuilder().timeout(TRANSFER_TIMEOUT).build();
    byte[] data;
    boolean viaSudo = false;
    Runnable release = connection.acquireChannel(what);
    try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(connection.sessionNow())) {
      data = readOverSftp(sftp, path, what);
    } catch (SftpException e) {
      if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH) {
        return Optional.empty();
      }
      if (e.getStatus() != SftpConstants.SSH_FX_PERMISSION_DENIED || root()) {
        throw new TransportException(host(), what, "cannot read " + path + ": " + e.getMessage(), e);
      }
      data = null;
      viaSudo = true;
    } catch (IOException e) {
      throw new TransportException(host(), what, "cannot read " + path + ": " + e.getMessage(), e);
    } finally {
      release.run();
    }
    if (viaSudo) {
      ExactBuffer buffer = new ExactBuffer(64 * 1024);
      CommandResult r = connection.runStreaming(sudoCat, buffer);
      if (r.exitCode() == FileOperation.MISSING) {
        return Optional.empty();
      }
      if (!r.ok()) {
        throw new TransportException(host(), sudoCat.display(),
            "cannot read " + path + ": exit " + r.exitCode() + ": " + r.stderrTail(), null);
      }
      data = buffer.bytes();
    }
    String local = HexFormat.of().formatHex(sha256().digest(data));
    Command sum = Command.shell(SHA256, path).toBuilder().sudo(viaSudo).readOnly(true)
        .description("sha256sum " + path).build();
    CommandResult r = connection.run(sum);
    String remote = r.stdout().trim().split("\\s+")[0];
    if (!r.ok() || !remote.equals(local)) {
      throw new TransportException(host(), what, "checksum mismatch reading " + path + " (" + data.length
          + " bytes): node has sha256 " + (r.ok() ? remote : "? (" + r.stderrTail() + ")") + ", received " + local
          + (r.ok() ? " (did it change while being read?)" : ""), null);
    }
    return Optional.of(data);
  }

  private byte[] readOverSftp(SftpClient sftp, String path, String what) throws IOException {
    long size = sftp.stat(path).getSize();
    if (size > MAX_READ) {
      throw new TransportException(host(), what, "cannot read " + path + " into memory: it has " + size
          + " bytes (at most " + MAX_READ + "); download it to a file instead", null);
    }
    ExactBuffer buffer = new ExactBuffer((int) Math.max(size, 0));
    try (InputStream in = sftp.read(path, BUFFER)) {
      in.transferTo(buffer);
    }
    return buffer.bytes();
  }

  /** A byte buffer sized in advance: when the guess was right, its array is returned uncopied. */
  private static final class ExactBuffer extends ByteArrayOutputStream {
    ExactBuffer(int expected) {
      super(Math.max(expected, 1));
    }

    byte[] bytes() {
      if (count > MAX_READ) {
        throw new IllegalStateException("more than " + MAX_READ + " bytes");
      }
      return count == buf.length ? buf : toByteArray();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
