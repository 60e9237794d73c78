package io.github.multihead.internal.validation;

import io.github.multihead.spec.Secret;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds every {@link Secret} in a value tree by walking its attributes, so that a secret field added
 * to the model later is redacted and validated without anyone remembering to list it.
 *
 * <p>An attribute is a public, non-static, non-final method without parameters declared on a public
 * abstract value class of the walked package (the Immutables convention the model follows: helper
 * methods such as {@code ClusterSpec.vipOwner()} are {@code final}). Values are followed through
 * {@link Optional}, {@link Collection} ({@code [i]}) and {@link Map} ({@code .key}) and into other
 * values of the same package; anything else is a leaf.
 */
public final class SecretWalk {
  private static final Map<String, String> KEY_OVERRIDES =
      Map.of("gluster", "storage.gluster", "interfaceName", "interface", "memoryMb", "memory");

  private final String packagePrefix;
  private final Map<String, Secret> found = new LinkedHashMap<>();
  private final Map<Object, Boolean> visiting = new IdentityHashMap<>();

  private SecretWalk(String packagePrefix) {
    this.packagePrefix = packagePrefix;
  }

  /** Every secret under {@code root} (a model value), keyed by its YAML path, e.g. {@code web.jwt_secret}. */
  public static Map<String, Secret> secrets(Object root) {
    String pkg = root.getClass().getPackageName() + ".";
    SecretWalk walk = new SecretWalk(pkg);
    walk.value("", root);
    return walk.found;
  }

  private void value(String path, Object v) {
    if (v == null) {
      return;
    }
    if (v instanceof Secret) {
      found.putIfAbsent(path, (Secret) v);
    } else if (v instanceof Optional) {
      ((Optional<?>) v).ifPresent(x -> value(path, x));
    } else if (v instanceof Collection) {
      int i = 0;
      for (Object x : (Collection<?>) v) {
        value(path + "[" + i++ + "]", x);
      }
    } else if (v instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        value(child(path, String.valueOf(e.getKey())), e.getValue());
      }
    } else if (!(v instanceof Enum) && v.getClass().getName().startsWith(packagePrefix)
        && visiting.put(v, Boolean.TRUE) == null) {
      for (Method m : attributes(v.getClass())) {
        value(child(path, key(m.getName())), invoke(m, v));
      }
      visiting.remove(v);
    }
  }

  private static Method[] attributes(Class<?> type) {
    Class<?> declaring = type;
    while (declaring != null && !(Modifier.isAbstract(declaring.getModifiers()) && Modifier.isPublic(declaring.getModifiers()))) {
      declaring = declaring.getSuperclass();
    }
    if (declaring == null) {
      return new Method[0];
    }
    return Arrays.stream(declaring.getDeclaredMethods())
        .filter(m -> m.getParameterCount() == 0)
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
            && !Modifier.isFinal(m.getModifiers()) && !m.isSynthetic() && m.getReturnType() != void.class)
        .sorted(Comparator.comparing(Method::getName))
        .toArray(Method[]::new);
  }

  private static Object invoke(Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("model attribute " + m + " is not accessible", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("model attribute " + m + " failed", e.getCause());
    }
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** {@code sessionSecret} → {@code session_secret}. */
  static String key(String attribute) {
    String override = KEY_OVERRIDES.get(attribute);
    if (override != null) {
      return override;
    }
    StringBuilder sb = new StringBuilder();
    for (char c : attribute.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
