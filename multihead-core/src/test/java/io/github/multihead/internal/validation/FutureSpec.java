package io.github.multihead.internal.validation;

import io.github.multihead.spec.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A stand-in for the model after someone adds secret fields in new shapes (test only): direct,
 * optional, in a list, in a map, in a nested section. Nobody lists them anywhere; the walk finds them.
 */
@Value.Immutable
public abstract class FutureSpec {
  public abstract String name();

  public abstract Secret token();

  public abstract Optional<Secret> maybeToken();

  public abstract List<Secret> keyring();

  public abstract Map<String, Secret> byService();

  public abstract Optional<Section> section();

  /** A helper, not an attribute: final, so the walk does not call it. */
  public final Secret helper() {
    throw new AssertionError("helpers are not walked");
  }

  /** A nested section holding a secret in a list of sections. */
  @Value.Immutable
  public abstract static class Section {
    public abstract List<Item> items();
  }

  /** A list entry with a secret. */
  @Value.Immutable
  public abstract static class Item {
    public abstract Secret apiKey();
  }
}
