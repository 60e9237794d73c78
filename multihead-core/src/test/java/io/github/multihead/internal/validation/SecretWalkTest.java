package io.github.multihead.internal.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multihead.TestSpecs;
import io.github.multihead.internal.SecretAccess;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.NetworkSettings;
import io.github.multihead.spec.Secret;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SecretWalkTest {
  @Test
  void aNewlyAddedSecretFieldIsFoundWhateverItsShape() {
    FutureSpec spec = ImmutableFutureSpec.builder().name("not a secret").token(Secret.of("token-value-1"))
        .maybeToken(Secret.of("optional-value-2")).addKeyring(Secret.of("list-value-3a"), Secret.of("list-value-3b"))
        .putByService("redis", Secret.of("map-value-4"))
        .section(ImmutableSection.builder().addItems(ImmutableItem.builder().apiKey(Secret.of("nested-value-5")).build()).build())
        .build();
    Map<String, Secret> found = SecretWalk.secrets(spec);
    assertEquals(List.of("by_service.redis", "keyring[0]", "keyring[1]", "maybe_token", "section.items[0].api_key", "token"),
        found.keySet().stream().sorted().collect(Collectors.toList()));
    assertEquals("nested-value-5", SecretAccess.reveal(found.get("section.items[0].api_key")));
  }

  @Test
  void clusterSpecSecretsComeFromTheModelIncludingOptionalOnes() {
    ClusterSpec canary = TestSpecs.canary();
    ClusterSpec withVrrp = ClusterSpec.builder().from(canary)
        .network(NetworkSettings.builder().from(canary.network()).vrrpPassword(Secret.of("vrrp-pw8")).build()).build();
    assertEquals(List.of("database.password", "network.vrrp_password", "redis.password", "web.jwt_secret", "web.session_secret"),
        SecretWalk.secrets(withVrrp).keySet().stream().sorted().collect(Collectors.toList()));
    List<String> values = withVrrp.secrets().stream().map(s -> SecretAccess.reveal(s)).collect(Collectors.toList());
    assertTrue(values.containsAll(TestSpecs.CANARY_ENV.values()), values.toString());
    assertTrue(values.contains("vrrp-pw8"));
    assertEquals(4, canary.secrets().size());
  }

  /** The walk follows attributes (non-final methods); a final method exposing a secret would be missed. */
  @Test
  void everyModelMethodThatExposesASecretIsAnAttributeTheWalkFollows() {
    // every model class reachable from ClusterSpec through its methods' return types
    java.util.Set<Class<?>> model = new java.util.LinkedHashSet<>();
    java.util.Deque<Class<?>> todo = new java.util.ArrayDeque<>(List.of(ClusterSpec.class));
    while (!todo.isEmpty()) {
      Class<?> type = todo.pop();
      if (!model.add(type)) {
        continue;
      }
      for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("io\\.github\\.multihead\\.spec\\.[A-Za-z]+")
            .matcher(m.getGenericReturnType().getTypeName());
        while (names.find()) {
          try {
            Class<?> c = Class.forName(names.group());
            if (!c.isEnum() && c != Secret.class && java.lang.reflect.Modifier.isAbstract(c.getModifiers())) {
              todo.add(c);
            }
          } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
          }
        }
      }
    }
    assertTrue(model.size() >= 13, model.toString());
    List<String> hidden = new java.util.ArrayList<>();
    for (Class<?> type : model) {
      for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
        boolean exposesSecret = m.getGenericReturnType().getTypeName().contains(Secret.class.getName());
        if (exposesSecret && java.lang.reflect.Modifier.isFinal(m.getModifiers()) && !m.getName().equals("secrets")) {
          hidden.add(type.getSimpleName() + "." + m.getName());
        }
      }
    }
    assertEquals(List.of(), hidden);
  }
}
