package io.github.multihead.spec;

import java.util.Locale;
import java.util.Optional;

/** The services a controller can run; the YAML key of each is its lower-case name. */
public enum Service {
  GLUSTERFS,
  MARIADB,
  REDIS,
  SLURM,
  WEB,
  KEEPALIVED;

  /** The key under {@code controllers[].services} in YAML. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The service whose YAML key is {@code key}, if any. */
  public static Optional<Service> fromKey(String key) {
    for (Service s : values()) {
      if (s.key().equals(key)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
