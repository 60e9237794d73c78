package io.github.multihead.api;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scans the compiled classes next to an anchor class and lists every public signature outside
 * {@code internal} packages that mentions a forbidden type. Shared with other modules' tests.
 */
public final class ApiGuard {
  private static final List<String> FORBIDDEN = List.of("com.google.common.", "org.snakeyaml.", "com.fasterxml.jackson.",
      "com.github.difflib.", "org.apache.sshd.", "org.immutables.", "io.github.multihead.internal.");
  private static int scanned;

  private ApiGuard() {}

  public static int lastScanned() {
    return scanned;
  }

  /** Violations in every public class compiled into the same directory or jar as {@code anchor}. */
  public static List<String> violations(Class<?> anchor) throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(root)) {
      names = files.filter(p -> p.toString().endsWith(".class"))
          .map(p -> root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
          .filter(n -> !n.endsWith("package-info"))
          .collect(Collectors.toList());
    }
    List<String> out = new ArrayList<>();
    scanned = 0;
    for (String name : names) {
      if (name.contains(".internal.")) {
        continue;
      }
      Class<?> c = Class.forName(name, false, anchor.getClassLoader());
      if (!isExported(c)) {
        continue;
      }
      scanned++;
      out.addAll(check(c));
    }
    return out;
  }

  private static boolean isExported(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return !c.isAnonymousClass() && !c.isSynthetic();
  }

  /** Violations in one class. */
  public static List<String> check(Class<?> c) {
    List<String> out = new ArrayList<>();
    if (c.getSimpleName().startsWith("Immutable")) {
      out.add(c.getName() + ": generated type is public");
    }
    // A nested Builder may extend its generated builder (the Immutables pattern); nothing else may.
    if (c.getSuperclass() != null && !(c.getSimpleName().equals("Builder") && c.getSuperclass().getSimpleName().equals("Builder"))) {
      flag(out, c.getName() + " extends", c.getGenericSuperclass());
    }
    for (Type t : c.getGenericInterfaces()) {
      flag(out, c.getName() + " implements", t);
    }
    for (Method m : c.getMethods()) {
      if (m.isSynthetic() || m.isBridge()) {
        continue;
      }
      String where = c.getName() + "." + m.getName() + "()";
      flag(out, where + " returns", m.getGenericReturnType());
      for (Type p : m.getGenericParameterTypes()) {
        flag(out, where + " takes", p);
      }
    }
    for (Constructor<?> k : c.getConstructors()) {
      for (Type p : k.getGenericParameterTypes()) {
        flag(out, c.getName() + "(…) takes", p);
      }
    }
    for (Field f : c.getFields()) {
      flag(out, c.getName() + "." + f.getName() + " is", f.getGenericType());
    }
    return out;
  }

  private static void flag(List<String> out, String where, Type type) {
    if (type == null) {
      return;
    }
    String name = type.getTypeName();
    for (String bad : FORBIDDEN) {
      if (name.contains(bad)) {
        out.add(where + " " + name);
        return;
      }
    }
    for (String part : name.split("[<>,\\s\\[\\]]+")) {
      String simple = part.substring(part.lastIndexOf('.') + 1);
      if (simple.startsWith("Immutable")) {
        out.add(where + " " + name);
        return;
      }
    }
  }
}
