package io.github.multihead.web;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One route a web service serves: {@code https} on the site's host name, or plain {@code http} on
 * the target's address, a path, and the status codes it must answer (0 stands for "no HTTP answer",
 * which is never expected).
 *
 * @param scheme {@code https} or {@code http}
 * @param path the absolute path, e.g. {@code /health}
 * @param expected the status codes that mean "works"; not empty
 */
public record WebRoute(String scheme, String path, Set<Integer> expected) {
  public WebRoute {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(path, "path");
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException("scheme must be https or http, not '" + scheme + "'");
    }
    if (!path.startsWith("/") || !path.matches("[A-Za-z0-9/._~%-]*")) {
      throw new IllegalArgumentException("route path must be absolute and URL-safe: '" + path + "'");
    }
    if (expected.isEmpty()) {
      throw new IllegalArgumentException("route " + path + " expects no status code");
    }
    expected = Set.copyOf(new TreeSet<>(expected));
  }

  /** A route over HTTPS. */
  public static WebRoute https(String path, Set<Integer> expected) {
    return new WebRoute("https", path, expected);
  }

  /** A route over plain HTTP (port 80), asked on the target's address. */
  public static WebRoute http(String path, Set<Integer> expected) {
    return new WebRoute("http", path, expected);
  }

  /** {@code /health} for HTTPS, {@code http:/health} for plain HTTP: how reports name it. */
  public String name() {
    return scheme.equals("https") ? path : "http:" + path;
  }

  /** The expected codes, ascending, joined by {@code |}. */
  public String expectedText() {
    return String.join("|", new TreeSet<>(expected).stream().map(String::valueOf).toList());
  }

  /** True when {@code code} is one of the expected ones. */
  public boolean accepts(int code) {
    return expected.contains(code);
  }

  @Override
  public String toString() {
    return name() + " " + expectedText();
  }
}
