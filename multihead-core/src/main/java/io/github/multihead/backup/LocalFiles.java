package io.github.multihead.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a downloaded backup on the admin machine: directories 0700, files 0600, created new (never
 * over an existing file or through a link), where the file system has POSIX permissions.
 */
final class LocalFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private LocalFiles() {}

  /** Creates {@code dir} and its missing parents, each new one 0700. */
  static void directories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (dir.getParent() != null) {
      directories(dir.getParent());
    }
    if (POSIX) {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
      restrict(dir, true);
    } else {
      Files.createDirectory(dir);
    }
  }

  /** Sets 0700 (directory) or 0600 (file), whatever the umask did. */
  static void restrict(Path path, boolean directory) throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(path, directory ? DIR : FILE);
    }
  }

  /** Writes a new file {@code path}, 0600; fails if it exists. */
  static void write(Path path, byte[] data) throws IOException {
    FileAttribute<?>[] attributes = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    try (OutputStream out = Files.newOutputStream(Files.createFile(path, attributes), StandardOpenOption.WRITE)) {
      out.write(data);
    }
    restrict(path, false);
  }

  /** Removes {@code root} and everything under it, ignoring failures. */
  static void deleteQuietly(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort: a partial download
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
