package io.github.multihead.testing;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** One node's in-memory file system: files with mode and owner, and directories. Thread-safe. */
final class FakeFileSystem {
  /** A file's bytes and attributes. */
  record Entry(byte[] data, int mode, String owner) {}

  private final Map<String, Entry> files = new HashMap<>();
  private final Set<String> dirs = new HashSet<>(Set.of("/"));

  static String normalize(String path) {
    String p = path.replaceAll("/+", "/");
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  synchronized void put(String path, byte[] data, int mode, String owner) {
    String p = normalize(path);
    mkdirs(parent(p));
    files.put(p, new Entry(data.clone(), mode, owner));
  }

  synchronized void append(String path, byte[] data, int newFileMode, String newFileOwner) {
    String p = normalize(path);
    Entry old = files.get(p);
    if (old == null) {
      put(p, data, newFileMode, newFileOwner);
      return;
    }
    byte[] joined = Arrays.copyOf(old.data(), old.data().length + data.length);
    System.arraycopy(data, 0, joined, old.data().length, data.length);
    files.put(p, new Entry(joined, old.mode(), old.owner()));
  }

  synchronized Optional<Entry> get(String path) {
    return Optional.ofNullable(files.get(normalize(path)));
  }

  synchronized boolean isFile(String path) {
    return files.containsKey(normalize(path));
  }

  synchronized boolean isDirectory(String path) {
    return dirs.contains(normalize(path));
  }

  synchronized boolean exists(String path) {
    return isFile(path) || isDirectory(path);
  }

  /** Like {@code mkdir -p}; false if a file is in the way. */
  synchronized boolean mkdirs(String path) {
    String p = normalize(path);
    for (String q = p; !q.equals("/"); q = parent(q)) {
      if (files.containsKey(q)) {
        return false;
      }
    }
    for (String q = p; !q.equals("/"); q = parent(q)) {
      dirs.add(q);
    }
    return true;
  }

  synchronized boolean remove(String path) {
    return files.remove(normalize(path)) != null;
  }

  /** Like {@code rm -rf}: the file or the directory with everything under it; false if nothing was there. */
  synchronized boolean removeTree(String path) {
    String p = normalize(path);
    boolean any = files.remove(p) != null | dirs.remove(p);
    any |= files.keySet().removeIf(f -> f.startsWith(p + "/"));
    any |= dirs.removeIf(d -> d.startsWith(p + "/"));
    return any;
  }

  synchronized Set<String> paths() {
    return new TreeSet<>(files.keySet());
  }
}
