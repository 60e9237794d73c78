package io.github.multihead.internal.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Text files shipped in the jar next to the class that uses them (scripts, templates). */
public final class Resources {
  private Resources() {}

  /** The UTF-8 text of resource {@code name}, relative to {@code owner}'s package; fails loudly when absent. */
  public static String text(Class<?> owner, String name) {
    try (InputStream in = owner.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing next to " + owner.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name + " of " + owner.getName(), e);
    }
  }
}
