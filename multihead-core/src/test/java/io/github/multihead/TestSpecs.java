package io.github.multihead;

import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The seed's sample cluster and the environment it needs, for tests. */
public final class TestSpecs {
  public static final String DB_PASSWORD = "Db-Pa55-w0rd-Zq81x";
  public static final Map<String, String> SEED_ENV = Map.of(
      "DB_ROOT_PASSWORD", "ChangeMe123!@#",
      "REDIS_PASSWORD", "Redis123!@#",
      "SESSION_SECRET", "SessionSecret123!@#RandomString",
      "JWT_SECRET", "JWTSecret123!@#RandomString");
  /** Distinctive secret values whose appearance anywhere is a leak. */
  public static final Map<String, String> CANARY_ENV = Map.of(
      "DB_ROOT_PASSWORD", "canary-db-7f3a9e21c4b8",
      "REDIS_PASSWORD", "canary-redis-5d2e8b7a9f10",
      "SESSION_SECRET", "canary-session-3c9a1f7e6b2d4a8c",
      "JWT_SECRET", "canary-jwt-8e4b2a6c9d1f3e5a7b9c0d2e4f6a8b0c");

  private TestSpecs() {}

  public static String seedYaml() {
    try (InputStream in = TestSpecs.class.getResourceAsStream("/my_multihead_cluster.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ClusterSpec seed() {
    return SpecLoader.create().environment(SEED_ENV).parse(seedYaml(), "my_multihead_cluster.yaml");
  }

  public static ClusterSpec canary() {
    return SpecLoader.create().environment(CANARY_ENV).parse(seedYaml(), "my_multihead_cluster.yaml");
  }
}
