package io.github.multihead.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands the README tells users to type, typed the same way: {@code bin/multihead} and
 * {@code bin/multihead-jshell} as separate processes, on the jar and {@code target/lib} that this
 * build just packaged (failsafe runs after {@code package}). The in-process {@code CliTest} runs on
 * the test class path and so cannot see a jar missing from what ships; this test can.
 */
class LauncherIT {
  /** An offline plan: every changing step unknown (how many grows with the built-in phases). */
  private static final java.util.regex.Pattern OFFLINE_SUMMARY =
      java.util.regex.Pattern.compile("Summary: (\\d+) steps: 0 would run, 0 up to date, \\1 unknown;");

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String SAMPLE = "examples/my_multihead_cluster.yaml";
  static final String CANARY = "launcher-canary";

  @TempDir
  Path dir;

  record Result(String command, int code, String out, String err) {
    String all() {
      return out + err;
    }

    /** Why a check failed, the telling line first (surefire's summary shows only the first line). */
    String why() {
      String telling = all().lines().filter(l -> l.contains("Error") || l.contains("Exception") || l.startsWith("error:"))
          .findFirst().orElse("(no error line)");
      return "`" + command + "` exited " + code + ": " + telling.strip() + "\n--- output:\n" + all();
    }
  }

  /** Runs {@code argv} in the repository root, with none of the sample's secrets in its environment. */
  static Result run(String... argv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).directory(ROOT.toFile());
      for (String var : List.of("DB_ROOT_PASSWORD", "REDIS_PASSWORD", "SESSION_SECRET", "JWT_SECRET")) {
        pb.environment().remove(var);
      }
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", argv) + " did not finish within 120 s");
      }
      return new Result(String.join(" ", argv), p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  Path envFile() throws IOException {
    Path env = dir.resolve("secrets.env");
    Files.writeString(env, "DB_ROOT_PASSWORD=" + CANARY + "-db\nREDIS_PASSWORD=" + CANARY + "-redis\n"
        + "SESSION_SECRET=" + CANARY + "-session\nJWT_SECRET=" + CANARY + "-jwt-0123456789-0123456789\n");
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    return env;
  }

  static void assertNoStackTrace(Result r) {
    assertFalse(r.all().contains("\tat ") || r.all().contains("Exception in thread"), "stack trace:\n" + r.all());
  }

  @Test
  void readmeCliCommandsRunFromWhatShips() throws Exception {
    String env = envFile().toString();
    Result version = run("bin/multihead", "--version");
    assertEquals(0, version.code(), version.why());
    assertEquals("multihead 0.1.0\n", version.out());

    Result validate = run("bin/multihead", "validate", "--config", SAMPLE, "--env-file", env);
    assertEquals(0, validate.code(), validate.why());
    assertTrue(validate.out().startsWith("OK: " + SAMPLE + ": cluster 'test-hpc-cluster', 3 controllers"), validate.why());

    Result plan = run("bin/multihead", "plan", "--config", SAMPLE, "--env-file", env);
    assertEquals(0, plan.code(), plan.why());
    assertTrue(OFFLINE_SUMMARY.matcher(plan.out()).find(), plan.why());
    assertFalse(plan.all().contains(CANARY), "secret leaked");

    Result json = run("bin/multihead", "plan", "--config", SAMPLE, "--env-file", env, "--format", "json");
    assertEquals(0, json.code(), json.why());
    assertEquals("test-hpc-cluster", new ObjectMapper().readTree(json.out()).get("cluster").asText());
  }

  @Test
  void badInputIsOneLineExitTwo() {
    Result missing = run("bin/multihead", "validate", "--config", "/nonexistent/cluster.yaml");
    assertEquals(2, missing.code(), missing.why());
    assertEquals("error: config file /nonexistent/cluster.yaml does not exist or is not a file\n", missing.err());

    Result noSecrets = run("bin/multihead", "plan", "--config", SAMPLE);
    assertEquals(2, noSecrets.code(), noSecrets.why());
    assertTrue(noSecrets.err().contains("environment variable DB_ROOT_PASSWORD is not set"), noSecrets.why());
    assertNoStackTrace(noSecrets);

    Result usage = run("bin/multihead", "deploy");
    assertEquals(2, usage.code(), usage.why());
    assertNoStackTrace(usage);
  }

  @Test
  void jshellLoadsTheSampleAndPrintsItsOfflinePlan() throws Exception {
    Path script = dir.resolve("plan.jsh");
    Files.writeString(script, "var spec = load(\"" + SAMPLE + "\", \"" + envFile() + "\");\n"
        + "System.out.println(\"jsh: \" + offlinePlan(spec).lines().filter(l -> l.startsWith(\"Summary:\")).findFirst().orElse(\"none\"));\n"
        + "/exit\n");
    Result r = run("bin/multihead-jshell", script.toString());
    assertEquals(0, r.code(), r.why());
    assertTrue(java.util.regex.Pattern.compile("jsh: " + OFFLINE_SUMMARY.pattern()).matcher(r.out()).find(), r.why());
    assertFalse(r.all().contains(CANARY), "secret leaked");
  }

  @Test
  void jshellTakesTheUsersClassesAndJars() throws Exception {
    Path src = dir.resolve("src/mine");
    Files.createDirectories(src);
    Files.writeString(src.resolve("Greeter.java"), "package mine; public class Greeter { public static String hi() { return \"hi from a class dir\"; } }");
    Files.writeString(src.resolve("Packed.java"), "package mine; public class Packed { public static String hi() { return \"hi from a jar\"; } }");
    Path classes = dir.resolve("classes");
    Path packed = dir.resolve("packed");
    assertEquals(0, tool("javac", "-d", classes.toString(), src.resolve("Greeter.java").toString()));
    assertEquals(0, tool("javac", "-d", packed.toString(), src.resolve("Packed.java").toString()));
    Path jar = dir.resolve("packed.jar");
    assertEquals(0, tool("jar", "--create", "--file", jar.toString(), "-C", packed.toString(), "."));
    Path script = dir.resolve("mine.jsh");
    Files.writeString(script, "System.out.println(mine.Greeter.hi() + \", \" + mine.Packed.hi() + \", \" + Cluster.class.getSimpleName());\n/exit\n");

    Result r = run("bin/multihead-jshell", "--class-path", classes + ":" + jar, script.toString());
    assertEquals(0, r.code(), r.why());
    assertTrue(r.out().contains("hi from a class dir, hi from a jar, Cluster"), r.why());
  }

  static int tool(String name, String... args) {
    List<String> argv = new ArrayList<>(List.of(args));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    java.io.PrintStream ps = new java.io.PrintStream(sink, true, StandardCharsets.UTF_8);
    int code = ToolProvider.findFirst(name).orElseThrow().run(ps, ps, argv.toArray(String[]::new));
    if (code != 0) {
      System.err.println(sink.toString(StandardCharsets.UTF_8));
    }
    return code;
  }
}
