package io.github.multihead.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No public signature outside {@code internal} packages mentions MINA SSHD, Guava, SnakeYAML,
 * Immutables-generated types or our internal packages: users need none of them to call us.
 */
class ApiGuardTest {
  private static final List<String> FORBIDDEN_PREFIXES =
      List.of("org.apache.sshd.", "com.google.common.", "org.snakeyaml.", "org.immutables.");

  @Test
  void publicSignaturesExposeNoForeignOrInternalTypes() throws Exception {
    List<Class<?>> api = publicApiClasses();
    assertTrue(api.size() >= 4, "found only " + api);
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : api) {
      check(leaks, c + " superclass", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(leaks, c + " implements", t);
      }
      for (Method m : c.getDeclaredMethods()) {
        if (!visible(m.getModifiers()) || m.isSynthetic()) {
          continue;
        }
        check(leaks, m.toString(), m.getGenericReturnType());
        for (Type t : m.getGenericParameterTypes()) {
          check(leaks, m.toString(), t);
        }
        for (Type t : m.getGenericExceptionTypes()) {
          check(leaks, m.toString(), t);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (!visible(k.getModifiers())) {
          continue;
        }
        for (Type t : k.getGenericParameterTypes()) {
          check(leaks, k.toString(), t);
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (visible(f.getModifiers())) {
          check(leaks, f.toString(), f.getGenericType());
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void theGuardNoticesALeak() {
    List<String> leaks = new ArrayList<>();
    check(leaks, "probe", org.apache.sshd.client.SshClient.class);
    check(leaks, "probe", io.github.multihead.ssh.internal.Settings.class);
    assertEquals(2, leaks.size());
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static List<Class<?>> publicApiClasses() throws Exception {
    Path root = Path.of(SshTransport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (Stream<Path> files = Files.walk(root)) {
      List<Class<?>> result = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
        String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.contains(".internal.") || name.endsWith("package-info")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, ApiGuardTest.class.getClassLoader());
        if (isPublicApi(c)) {
          result.add(c);
        }
      }
      return result;
    }
  }

  private static boolean isPublicApi(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static void check(List<String> leaks, String where, Type type) {
    if (type == null) {
      return;
    }
    if (type instanceof Class) {
      Class<?> c = (Class<?>) type;
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String n = c.getName();
      if (FORBIDDEN_PREFIXES.stream().anyMatch(n::startsWith) || n.contains(".internal.")
          || c.getSimpleName().startsWith("Immutable")) {
        leaks.add(where + " -> " + n);
      }
    } else if (type instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) type;
      check(leaks, where, p.getRawType());
      for (Type a : p.getActualTypeArguments()) {
        check(leaks, where, a);
      }
    } else if (type instanceof GenericArrayType) {
      check(leaks, where, ((GenericArrayType) type).getGenericComponentType());
    } else if (type instanceof WildcardType) {
      for (Type b : ((WildcardType) type).getUpperBounds()) {
        check(leaks, where, b);
      }
      for (Type b : ((WildcardType) type).getLowerBounds()) {
        check(leaks, where, b);
      }
    } else if (type instanceof TypeVariable) {
      for (Type b : ((TypeVariable<?>) type).getBounds()) {
        check(leaks, where, b);
      }
    }
  }
}
