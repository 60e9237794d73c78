package io.github.multihead.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec input through the CLI: bytes that are not UTF-8 are bad input (exit 2) with a position; what
 * the CLI prints with --debug is the redacted chain, so a secret planted in a failure never shows.
 */
class CliSpecInputTest {
  static final String SAMPLE = "../examples/my_multihead_cluster.yaml";
  static final String SECRET = "cli-planted-db-secret-5e1f0a9b";

  @TempDir
  Path dir;

  @Test
  void debugStackTraceOfAFailedDeployNeverShowsASecret() throws Exception {
    Path env = dir.resolve("cluster.env");
    Files.writeString(env, "DB_ROOT_PASSWORD=" + SECRET + "\nREDIS_PASSWORD=cli-redis-77aa-0011\n"
        + "SESSION_SECRET=cli-session-88bb-0022\nJWT_SECRET=cli-jwt-99cc-0123456789-0123456789-0123\n");
    // The journal cannot be written (its parent is a file), and the failure's message and its
    // cause's message both carry the path, which holds the secret's value.
    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    Path journal = blocker.resolve(SECRET).resolve("journal.jsonl");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"deploy", "--debug", "-c", SAMPLE, "--env-file", env.toString(),
        "--journal", journal.toString()}, new PrintWriter(out), new PrintWriter(err));
    String printed = out + "\n" + err;
    assertEquals(Main.FAILED, code, printed);
    assertTrue(err.toString().contains("\tat "), "a stack trace was printed: " + printed);
    assertTrue(err.toString().contains("Caused by: "), "with its causes: " + printed);
    assertTrue(err.toString().contains("<redacted>"), printed);
    assertFalse(printed.contains(SECRET), printed);
  }

  @Test
  void nonUtf8ConfigIsBadInputWithItsPosition() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "cluster:\n  name: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"validate", "-c", latin1.toString()}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(Main.BAD_INPUT, code, err.toString());
    assertEquals("error: (document) (line 2, col 12): not UTF-8 text: invalid byte 0xe9 at byte offset 20 (save the file as UTF-8)\n",
        err.toString());
  }
}
