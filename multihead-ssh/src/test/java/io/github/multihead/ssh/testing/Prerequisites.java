package io.github.multihead.ssh.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test's outside requirement (root, OpenSSH binaries). Under {@code CI=true} a missing one fails
 * the test — CI must install it; on a developer machine the test is skipped with the reason.
 */
public final class Prerequisites {
  private Prerequisites() {}

  public static void require(boolean present, String what) {
    if (present) {
      return;
    }
    String message = "missing prerequisite: " + what + " (.ci/run installs it: apt-get install -y openssh-server openssh-client sudo pssh procps)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message);
    }
    assumeTrue(false, message);
  }

  public static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  public static void requireExecutable(String path) {
    require(Files.isExecutable(Path.of(path)), path);
  }
}
