package io.github.multihead.services.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.exec.Content;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The rendered redis.conf, byte for byte, and the writer's quoting. */
class RedisConfigTest {
  private final ClusterSpec seed = TestSpecs.seed();

  static String golden(String name) throws IOException {
    try (InputStream in = RedisConfigTest.class.getResourceAsStream("/golden/redis/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String reveal(Content c) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theSeedsRedisConfMatchesItsGoldenFile() throws IOException {
    Content server1 = RedisPhase.config(seed, seed.controller("server1").orElseThrow());
    assertEquals(golden("server1-redis.conf"), server1.redacted());
    // byte-stable: rendering again gives the same bytes
    assertTrue(server1.sameBytesAs(reveal(RedisPhase.config(seed, seed.controller("server1").orElseThrow()))
        .getBytes(StandardCharsets.UTF_8)));
    // the real file holds the password, quoted ("Redis123!@#" needs no escape inside quotes)
    assertTrue(reveal(server1).contains("requirepass \"Redis123!@#\"\nmasterauth \"Redis123!@#\"\n"));
    // each node binds its own cluster address, nothing else
    String server3 = RedisPhase.config(seed, seed.controller("server3").orElseThrow()).redacted();
    assertTrue(server3.contains("\nbind 192.168.1.103\n"), server3);
    assertFalse(server3.contains("127.0.0.1"), server3);
  }

  @Test
  void argumentsAreBareWhenPlainElseQuotedAndEscapedAsRedisReadsThem() {
    assertEquals("6379", RedisConfig.quote("6379"));
    assertEquals("/var/lib/redis", RedisConfig.quote("/var/lib/redis"));
    assertEquals("\"\"", RedisConfig.quote(""));
    assertEquals("\"two words\"", RedisConfig.quote("two words"));
    assertEquals("\"a\\\"b\\\\c\"", RedisConfig.quote("a\"b\\c"));
    assertEquals("\"line\\nbreak\\r\\t\\x01\\x7f\"", RedisConfig.quote("line\nbreak\r\t\u0001\u007f"));
    assertEquals("\"#not-a-comment\"", RedisConfig.quote("#not-a-comment"));
    assertEquals("\"it's\"", RedisConfig.quote("it's"));
  }

  @Test
  void aSecretIsAlwaysQuotedKeepsItsBytesWhenItCanAndIsRedactedWhenShown() throws IOException {
    Content plain = new RedisConfig().setSecret("requirepass", Secret.of("it's #1 pass")).render();
    assertEquals("requirepass <redacted>\n", plain.redacted());
    assertEquals("requirepass \"it's #1 pass\"\n", reveal(plain));
    // a double quote or backslash: single quotes keep the bytes (Redis unescapes only \' there)
    assertEquals("requirepass 'pa\"ss\\w'\n", reveal(new RedisConfig().setSecret("requirepass", Secret.of("pa\"ss\\w")).render()));
    // both kinds of quote, or a control byte: escaped in double quotes
    Content c = new RedisConfig().setSecret("requirepass", Secret.of("pa ss\"w\\r'd\n")).render();
    assertEquals("requirepass <redacted>\n", c.redacted());
    assertEquals("requirepass \"pa ss\\\"w\\\\r'd\\n\"\n", reveal(c));
    assertTrue(c.containsSecret());
  }

  @Test
  void thePhaseDeclaresThePasswordAsTheFileHoldsIt() {
    // the seed's password needs no escaping: the form in the file is the password itself
    assertEquals(java.util.List.of(seed.redis().password()), new RedisPhase().secrets(seed));
  }

  @Test
  void badDirectivesAndCommentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RedisConfig().set("bind;rm", "x"));
    assertThrows(IllegalArgumentException.class, () -> new RedisConfig().set("Bind", "x"));
    assertThrows(IllegalArgumentException.class, () -> new RedisConfig().set("bind"));
    assertThrows(IllegalArgumentException.class, () -> new RedisConfig().comment("two\nlines"));
  }
}
