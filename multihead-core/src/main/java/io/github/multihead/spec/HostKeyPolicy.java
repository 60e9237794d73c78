package io.github.multihead.spec;

/** How SSH host keys are checked. The default is {@link #STRICT}. */
public enum HostKeyPolicy {
  /** Only keys already in {@code known_hosts} are accepted; a changed or unknown key fails. */
  STRICT("strict"),
  /** Trust on first use: an unknown key is appended to {@code known_hosts}; a changed key fails. */
  ACCEPT_NEW("accept-new"),
  /** Every key is accepted, loudly. For throwaway labs only. */
  INSECURE_ACCEPT_ALL("insecure-accept-all");

  private final String key;

  HostKeyPolicy(String key) {
    this.key = key;
  }

  /** The YAML spelling, e.g. {@code accept-new}. */
  public String key() {
    return key;
  }
}
