package io.github.multihead.ssh.internal;

import java.util.Map;

/** SSH exit-signal names (RFC 4254 §6.10, without the SIG prefix) to Linux signal numbers. */
final class Signals {
  private static final Map<String, Integer> NUMBERS = Map.ofEntries(
      Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
      Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8),
      Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12),
      Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("XCPU", 24),
      Map.entry("XFSZ", 25));

  private Signals() {}

  /** The shell's convention for a process killed by {@code signal}: 128 + its number (255 if unknown). */
  static int exitCode(String signal) {
    String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
    Integer n = NUMBERS.get(name);
    return n == null ? 255 : 128 + n;
  }
}
