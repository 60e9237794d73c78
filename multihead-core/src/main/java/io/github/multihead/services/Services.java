package io.github.multihead.services;

import io.github.multihead.services.galera.Galera;
import java.util.List;
import java.util.Optional;

/** The built-in managed services. */
public final class Services {
  private Services() {}

  /** MariaDB Galera (phase 2). */
  public static ManagedService galera() {
    return Galera.create();
  }

  /** Every built-in service that is proven end to end in this version, in phase order. */
  public static List<ManagedService> standard() {
    return List.of(galera());
  }

  /** The built-in service with this id ({@code galera}, …). */
  public static Optional<ManagedService> byId(String id) {
    return standard().stream().filter(s -> s.id().equals(id)).findFirst();
  }
}
