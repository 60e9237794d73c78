package io.github.multihead.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever bytes or YAML structure reach the loader, the answer is a {@link
 * ValidationReport} (and {@link InvalidSpecException} from {@code parse}/{@code load}) within a
 * second, never any other exception or error. Plain JUnit with a seeded {@link Random} (no new test
 * dependency; the seed is printed and settable with {@code -Dmultihead.fuzz.seed=N}); a failing
 * input is written to {@code target/fuzz-failures/} to replay.
 *
 * <p>Generators: random bytes, random UTF-8 text over YAML's alphabet, random YAML trees (nesting,
 * flow and block, tags {@code !!binary !!float !!int !!str !!map !foo}, anchors and aliases, every
 * scalar style, {@code ${VAR}} references), mutations of the real sample {@code
 * examples/my_multihead_cluster.yaml} (lines, characters, bytes, hostile values), and pathological
 * shapes (deep nesting, many keys, alias bombs, huge scalars, many documents).
 */
class SpecLoaderFuzzTest {
  static final long SEED = Long.getLong("multihead.fuzz.seed", 20261126L);
  static final int CASES = Integer.getInteger("multihead.fuzz.cases", 6000);
  static final long LIMIT_MS = 1000;
  static final Map<String, String> ENV = new HashMap<>(TestSpecs.SEED_ENV);

  static {
    ENV.put("X", "Xk9-long-enough-random-value-0017");
    ENV.put("EMPTY", "");
    ENV.put("HOSTILE", "a;rm -rf /\n$(reboot)");
  }

  static final String[] HOSTILE = {"a;rm -rf /", "$(reboot)", "`id`", "\"\\n\"", "'", "\"", "[]", "{}", "[[[[", "]]]", "{a: ",
      "*a", "&a x", "!!binary AAAA", "!!float .inf", "!!int 0x1F", "!foo bar", "!<tag:x> y", "~", "null", "-1", "0",
      "99999999999999999999", "1e400", "0o17", "-.inf", ".nan", "true", "yes", "\"\\u0000\"", "\"\\x07\"", "? [a]", "<<: *a",
      "${X}", "${UNSET}", "${X:-d}", "${", "${X:-${X}}", "\t", "|\n  block", ">\n  folded", "%YAML 1.1", "---", "...",
      "10.0.0.300", "hn2;reboot", "\u202e", "\uFEFF", "🐧", "\ud800", "x".repeat(5000), "${HOSTILE}", "${EMPTY:-e}"};
  static final String[] TAGS = {"!!binary ", "!!float ", "!!int ", "!!str ", "!!bool ", "!!null ", "!!map ", "!!seq ",
      "!!set ", "!!omap ", "!foo ", "!<tag:example.com,2000:x> ", "!!timestamp ", ""};

  @TempDir
  Path dir;

  private final Random random = new Random(SEED);
  private final SpecLoader loader = SpecLoader.create().environment(ENV);
  private int cases;
  private long longestInput;
  private long longestParsed;
  private String longestParsedCase = "";
  private String longestCase = "";
  private long slowestNanos;
  private String slowestCase = "";

  @Test
  void anyInputEndsInAReportOrInvalidSpecException() throws IOException {
    byte[] sample = TestSpecs.seedYaml().getBytes(StandardCharsets.UTF_8);
    check("sample", sample); // warm up, and the sample itself must stay valid
    assertFalse(loader.check(sample, "sample").hasErrors());
    slowestNanos = 0;
    List<Map.Entry<String, Supplier<byte[]>>> generators = List.of(
        Map.entry("random-bytes", this::randomBytes),
        Map.entry("random-text", () -> utf8(randomText(random.nextInt(400)))),
        Map.entry("yaml-tree", () -> utf8(yamlDocument())),
        Map.entry("sample-mutation", () -> utf8(mutate(TestSpecs.seedYaml(), 1 + random.nextInt(6)))),
        Map.entry("sample-byte-mutation", () -> mutateBytes(sample)));
    for (int i = 0; i < CASES; i++) {
      Map.Entry<String, Supplier<byte[]>> g = generators.get(i % generators.size());
      check(g.getKey() + "#" + i, g.getValue().get());
    }
    // long values: a random token repeated up to ~600 KB in place of one of the sample's values
    for (int i = 0; i < 60; i++) {
      check("sample-long-value#" + i, utf8(longValue(TestSpecs.seedYaml())));
    }
    for (Map.Entry<String, byte[]> p : pathological().entrySet()) {
      check(p.getKey(), p.getValue());
    }
    // the file path, as the CLI's validate/plan/deploy use it
    for (int i = 0; i < 20; i++) {
      Path f = dir.resolve("fuzz-" + i + ".yaml");
      Files.write(f, i % 2 == 0 ? randomBytes() : mutateBytes(sample));
      long start = System.nanoTime();
      ValidationReport r = loader.check(f);
      record("file#" + i, Files.size(f), System.nanoTime() - start);
      assertNotNull(r);
    }
    failures.forEach((kind, names) -> System.out.println("FAILED " + kind + ": " + names));
    assertEquals(Map.of(), failures, "inputs that ended in something else than a report (seed " + SEED
        + ", saved under target/fuzz-failures)");
    String summary = String.format("fuzz seed %d: %d cases, longest input %d bytes (%s), longest under the size limit"
        + " %d bytes (%s), slowest %.1f ms (%s)", SEED, cases, longestInput, longestCase, longestParsed, longestParsedCase,
        slowestNanos / 1e6, slowestCase);
    System.out.println(summary);
    Path report = Path.of("target", "fuzz-report.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, summary + "\n");
    // The machine is shared (2 cores, parallel builds): a case over the limit in wall time is timed
    // again in this thread's CPU time, which other processes cannot inflate; its best of three must pass.
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (Map.Entry<String, byte[]> slow : overLimit.entrySet()) {
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 3; i++) {
        long start = threads.getCurrentThreadCpuTime();
        loader.check(slow.getValue(), slow.getKey());
        best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
      }
      System.out.printf("  %s over %d ms once (wall); best of 3 in CPU time: %.1f ms%n", slow.getKey(), LIMIT_MS, best / 1e6);
      assertTrue(best < LIMIT_MS * 1_000_000, slow.getKey() + " took " + best / 1_000_000 + " ms at best; " + summary);
    }
  }

  /** Failure kind (class and where thrown) to the first few inputs that showed it. */
  private final Map<String, String> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

  private static String firstFrame(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return st.length == 0 ? "?" : st[0].getClassName() + "." + st[0].getMethodName();
  }

  private final Map<String, byte[]> overLimit = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

  /** A case that hangs is reported by name (and its thread abandoned) instead of hanging the build. */
  private void check(String name, byte[] input) {
    java.util.concurrent.Future<?> done = worker.submit(() -> checkNow(name, input));
    try {
      done.get(HANG_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      save(name, input);
      failures.merge("no answer within " + HANG_SECONDS + " s", name, (a, b) -> a.split(",").length < 5 ? a + "," + b : a);
      worker = newWorker(); // the stuck thread is a daemon, left behind
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  static final int HANG_SECONDS = 20;
  private java.util.concurrent.ExecutorService worker = newWorker();

  private static java.util.concurrent.ExecutorService newWorker() {
    return java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      return t;
    });
  }

  /** The property, for one input: through bytes, and (when it is text) through the string API too. */
  private void checkNow(String name, byte[] input) {
    try {
      long start = System.nanoTime();
      ValidationReport report = loader.check(input, name);
      long nanos = System.nanoTime() - start;
      record(name, input.length, nanos);
      if (nanos > LIMIT_MS * 1_000_000) {
        overLimit.put(name, input);
      }
      assertNotNull(report);
      if (report.hasErrors()) {
        assertTrue(report.spec().isEmpty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> loader.parse(input, name));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("invalid cluster spec " + name + ": "), e.getMessage());
      } else {
        // what YAML accepts, the model accepts: the same rules
        ClusterSpec spec = report.spec().orElseThrow();
        assertEquals(List.of(), spec.validate().errors());
      }
      String text = new String(input, StandardCharsets.UTF_8);
      if (text.length() < 20_000) {
        assertNotNull(loader.check(text, name));
      }
    } catch (Throwable t) {
      save(name, input);
      String kind = t.getClass().getName() + (t instanceof AssertionError ? "" : " at " + firstFrame(t));
      failures.merge(kind, name, (a, b) -> a.split(",").length < 5 ? a + "," + b : a);
    }
  }

  private void record(String name, long length, long nanos) {
    cases++;
    if (length <= SpecReaderLimits.MAX_INPUT && length > longestParsed) {
      longestParsed = length;
      longestParsedCase = name;
    }
    if (length > longestInput) {
      longestInput = length;
      longestCase = name;
    }
    if (nanos > slowestNanos) {
      slowestNanos = nanos;
      slowestCase = name;
    }
  }

  private static void save(String name, byte[] input) {
    try {
      Path d = Path.of("target", "fuzz-failures");
      Files.createDirectories(d);
      Files.write(d.resolve(name.replaceAll("[^A-Za-z0-9#_-]", "_") + ".yaml"), input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Generators
  // ------------------------------------------------------------------------------------------

  private byte[] randomBytes() {
    byte[] b = new byte[random.nextInt(600)];
    random.nextBytes(b);
    return b;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String randomText(int length) {
    String alphabet = " \n\t:-?[]{},#&*!|>'\"%@`abcxyz019.$\\/~=<\r";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int r = random.nextInt(20);
      if (r == 0) {
        sb.appendCodePoint(random.nextInt(0x10FFFF + 1)); // any code point, lone surrogates included
      } else if (r == 1) {
        sb.append(HOSTILE[random.nextInt(HOSTILE.length)]);
      } else {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
    }
    return sb.toString();
  }

  private int anchors;

  private String yamlDocument() {
    anchors = 0;
    StringBuilder sb = new StringBuilder();
    if (random.nextInt(10) == 0) {
      sb.append("%YAML 1.2\n---\n");
    }
    if (random.nextBoolean()) {
      // mostly the real top-level keys, so the reader's paths are exercised
      String[] top = {"cluster", "network", "database", "redis", "web", "ssh", "apt", "controllers", "compute_nodes",
          "storage", "slurm", "backup", "clustr", "<<"};
      int n = 1 + random.nextInt(top.length);
      for (int i = 0; i < n; i++) {
        sb.append(top[random.nextInt(top.length)]).append(":");
        block(sb, 1, random.nextInt(6));
      }
    } else {
      block(sb, 0, random.nextInt(8));
    }
    return sb.toString();
  }

  private void block(StringBuilder sb, int indent, int depth) {
    String pad = "  ".repeat(indent);
    int kind = depth <= 0 ? 0 : random.nextInt(5);
    switch (kind) {
      case 0 -> sb.append(' ').append(scalar()).append('\n');
      case 1 -> {
        sb.append(' ').append(tagAndAnchor()).append('\n');
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          sb.append(pad).append(key()).append(':');
          block(sb, indent + 1, depth - 1);
        }
        if (n == 0) {
          sb.setLength(sb.length() - 1);
          sb.append("{}\n");
        }
      }
      case 2 -> {
        sb.append(' ').append(tagAndAnchor()).append('\n');
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          sb.append(pad).append("-");
          block(sb, indent + 1, depth - 1);
        }
        if (n == 0) {
          sb.setLength(sb.length() - 1);
          sb.append("[]\n");
        }
      }
      case 3 -> sb.append(' ').append(flow(depth)).append('\n');
      default -> sb.append(' ').append(anchors > 0 && random.nextBoolean() ? "*a" + random.nextInt(anchors) : scalar()).append('\n');
    }
  }

  private String flow(int depth) {
    if (depth <= 0) {
      return scalar().replace("\n", " ");
    }
    StringBuilder sb = new StringBuilder(tagAndAnchor());
    int n = random.nextInt(4);
    boolean map = random.nextBoolean();
    sb.append(map ? '{' : '[');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (map) {
        sb.append(random.nextInt(8) == 0 ? flow(depth - 1) : key()).append(": ");
      }
      sb.append(random.nextInt(6) == 0 && anchors > 0 ? "*a" + random.nextInt(anchors) : flow(depth - 1));
    }
    return sb.append(map ? '}' : ']').toString();
  }

  private String tagAndAnchor() {
    StringBuilder sb = new StringBuilder();
    if (random.nextInt(4) == 0) {
      sb.append("&a").append(anchors++).append(' ');
    }
    if (random.nextInt(4) == 0) {
      sb.append(TAGS[random.nextInt(TAGS.length)]);
    }
    return sb.toString();
  }

  private String key() {
    String[] keys = {"hostname", "ip", "name", "vip", "netmask", "interface", "password", "priority", "vip_owner",
        "services", "keepalived", "gluster", "replica_count", "extra", "ssh", "port", "user", "memory", "cpus", "x", "? y"};
    String k = keys[random.nextInt(keys.length)];
    return random.nextInt(10) == 0 ? "\"" + k + "\\t\"" : k;
  }

  private String scalar() {
    String tag = random.nextInt(6) == 0 ? TAGS[random.nextInt(TAGS.length)] : "";
    String anchor = random.nextInt(8) == 0 ? "&a" + anchors++ + " " : "";
    String v = switch (random.nextInt(12)) {
      case 0 -> Integer.toString(random.nextInt());
      case 1 -> Double.toString(random.nextGaussian() * 1e10);
      case 2 -> random.nextBoolean() ? "true" : "no";
      case 3 -> "~";
      case 4 -> "'" + randomText(random.nextInt(20)).replace("'", "''").replace("\n", " ") + "'";
      case 5 -> "\"" + randomText(random.nextInt(20)).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
      case 6 -> "|\n    " + randomText(random.nextInt(30)).replace("\n", "\n    ");
      case 7 -> random.nextInt(256) + "." + random.nextInt(400) + "." + random.nextInt(256) + "." + random.nextInt(300);
      case 8 -> "${" + (random.nextBoolean() ? "X" : "UNSET") + (random.nextBoolean() ? ":-d}" : "}");
      case 9 -> HOSTILE[random.nextInt(HOSTILE.length)].replace("\n", " ");
      case 10 -> "AAAA" + "x".repeat(random.nextInt(64));
      default -> randomText(random.nextInt(12)).replace("\n", " ");
    };
    return tag + anchor + v;
  }

  private String mutate(String doc, int times) {
    List<String> lines = new ArrayList<>(List.of(doc.split("\n", -1)));
    for (int t = 0; t < times && !lines.isEmpty(); t++) {
      int i = random.nextInt(lines.size());
      String line = lines.get(i);
      switch (random.nextInt(9)) {
        case 0 -> lines.remove(i);
        case 1 -> lines.add(i, line);
        case 2 -> lines.set(i, " " + line);
        case 3 -> lines.set(i, line.replaceFirst("^ ", ""));
        case 4 -> {
          int c = line.indexOf(':');
          lines.set(i, c < 0 ? line + ": " + HOSTILE[random.nextInt(HOSTILE.length)]
              : line.substring(0, c + 1) + " " + HOSTILE[random.nextInt(HOSTILE.length)]);
        }
        case 5 -> {
          int j = random.nextInt(lines.size());
          lines.set(i, lines.get(j));
          lines.set(j, line);
        }
        case 6 -> {
          int p = line.isEmpty() ? 0 : random.nextInt(line.length());
          lines.set(i, line.substring(0, p) + randomText(1 + random.nextInt(3)) + line.substring(p));
        }
        case 7 -> lines.set(i, line.isEmpty() ? line : line.substring(0, random.nextInt(line.length())));
        default -> lines.set(i, line.replace("true", "false").replace("100", "70").replace("3", "4"));
      }
    }
    return String.join("\n", lines);
  }

  private String longValue(String doc) {
    String[] tokens = {"${X:-", "${X}", "${", "a.", "a ", "1", "-", "\\", "'", "::", "[", "{", "deb ", "/", "..", "%", "🐧"};
    String token = random.nextInt(4) == 0 ? randomText(1 + random.nextInt(6)) : tokens[random.nextInt(tokens.length)];
    String value = token.repeat(1 + random.nextInt(600_000 / Math.max(1, token.length())));
    String[] lines = doc.split("\n", -1);
    int tries = 0;
    int i;
    do {
      i = random.nextInt(lines.length);
    } while (!lines[i].contains(": ") && tries++ < 100);
    int c = lines[i].indexOf(": ");
    String quoted = random.nextBoolean() ? "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : value;
    lines[i] = (c < 0 ? lines[i] : lines[i].substring(0, c)) + ": " + quoted;
    return String.join("\n", lines);
  }

  private byte[] mutateBytes(byte[] sample) {
    byte[] b = sample.clone();
    int n = 1 + random.nextInt(8);
    for (int i = 0; i < n; i++) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    }
    return b;
  }

  /** Shapes that used to crash or hang, and the limits' edges. */
  static Map<String, byte[]> pathological() {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    m.put("deep-flow-seq-100k", utf8("a: " + "[".repeat(100_000) + "]".repeat(100_000)));
    m.put("deep-flow-map-50k", utf8("a: " + "{b: ".repeat(50_000) + "}".repeat(50_000)));
    StringBuilder blockDeep = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      blockDeep.append(" ".repeat(i)).append("k:\n");
    }
    m.put("deep-block-map-2k", utf8(blockDeep.toString()));
    m.put("deep-block-seq-20k", utf8("- ".repeat(20_000) + "x"));
    m.put("deep-at-limit-64", utf8("a: " + "[".repeat(63) + "]".repeat(63)));
    StringBuilder keys = new StringBuilder();
    for (int i = 0; keys.length() < SpecReaderLimits.MAX_INPUT - 20 && i < 49_000; i++) {
      keys.append('k').append(i).append(": 1\n");
    }
    m.put("many-keys-under-limit", utf8(keys.toString()));
    m.put("many-keys-over-limit", utf8(keys.toString() + keys.toString().replace("k", "j")));
    m.put("many-placeholder-controllers", utf8("controllers: [" + "1,".repeat(45_000) + "1]"));
    StringBuilder same = new StringBuilder(TestSpecs.seedYaml().replaceAll("(?s)controllers:.*?storage:", "storage:"));
    same.append("\ncontrollers:\n");
    for (int i = 0; i < 9_000; i++) {
      same.append("  - {hostname: n1, ip: 192.168.1.").append(i % 300).append(", priority: 5}\n");
    }
    m.put("many-duplicate-controllers", utf8(same.toString()));
    m.put("many-flow-items", utf8("controllers: [" + "1,".repeat(400_000) + "1]"));
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'z'; c++) {
      bomb.append(c).append(": &").append(c).append(" [").append(("*" + (char) (c - 1) + ", ").repeat(9)).append("x]\n");
    }
    m.put("alias-bomb", utf8(bomb.toString()));
    m.put("recursive-alias", utf8("controllers: &c [*c]\ncluster: &m {name: *m}\n"));
    m.put("recursive-key", utf8("&k [*k]: 1\n"));
    m.put("huge-scalar-under-limit", utf8("cluster:\n  name: " + "a".repeat(SpecReaderLimits.MAX_INPUT - 30) + "\n"));
    m.put("huge-scalar-over-limit", utf8("cluster:\n  name: " + "a".repeat(3 * SpecReaderLimits.MAX_INPUT) + "\n"));
    m.put("huge-domain-dots", utf8("cluster:\n  name: x\n  domain: " + "a.".repeat(400_000) + "a\n"));
    m.put("huge-apt-source", utf8("apt:\n  sources: deb http://x" + " a".repeat(400_000) + "\n"));
    m.put("env-amplification", utf8("cluster:\n  name: \"" + "${X}".repeat(200_000) + "\"\n"));
    m.put("env-unclosed-defaults", utf8("cluster:\n  name: \"" + "${X:-".repeat(150_000) + "\"\n"));
    m.put("env-long-name", utf8("cluster:\n  name: \"${" + "A".repeat(900_000) + "\"\n"));
    m.put("many-documents", utf8("a: 1\n---\n".repeat(50_000)));
    m.put("many-lines", utf8("\n".repeat(SpecReaderLimits.MAX_INPUT - 1)));
    m.put("nul-bytes", new byte[] {'a', ':', ' ', 0, 0, '\n'});
    m.put("invalid-utf8", new byte[] {'a', ':', ' ', (byte) 0xff, '\n'});
    m.put("utf16-bom", new byte[] {(byte) 0xff, (byte) 0xfe, 'a', 0, ':', 0});
    m.put("utf8-bom-sample", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8(TestSpecs.seedYaml())));
    m.put("overlong-utf8", new byte[] {'a', ':', ' ', (byte) 0xc0, (byte) 0xaf});
    m.put("surrogate-utf8", new byte[] {'a', ':', ' ', (byte) 0xed, (byte) 0xa0, (byte) 0x80});
    m.put("truncated-utf8", new byte[] {'a', ':', ' ', (byte) 0xe2, (byte) 0x82});
    m.put("empty", new byte[0]);
    m.put("only-comment", utf8("# nothing\n"));
    m.put("tags-everywhere", utf8("!!map {cluster: !!binary AAAA, network: !!float 1.5, controllers: !!seq [!foo {hostname: !!int 1}]}"));
    m.put("big-ints", utf8(TestSpecs.seedYaml().replace("priority: 100", "priority: 99999999999999999999999")
        .replace("priority: 90", "priority: -2147483649")));
    m.put("huge-memory", utf8(TestSpecs.seedYaml() + "\ncompute_nodes:\n  - {hostname: c1, ip: 192.168.1.50, memory: 999999999T}\n"));
    return m;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** The reader's limits, restated so the test does not depend on an internal class. */
  static final class SpecReaderLimits {
    static final int MAX_INPUT = 1024 * 1024;
  }
}
