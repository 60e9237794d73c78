package io.github.multihead.internal.services;

import io.github.multihead.exec.Command;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.Steps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The Debian package step every service phase starts with: install what dpkg does not show installed. */
public final class Packages {
  private Packages() {}

  /** Installs {@code packages} unless every one is installed. */
  public static Step install(String name, List<String> packages) {
    List<String> install = new ArrayList<>(List.of("sh", "-c",
        "apt-get update -q && apt-get install -y -q --no-install-recommends \"$@\"", "sh"));
    install.addAll(packages);
    return Steps.command(name, Command.builder().argv(install).sudo(true)
            .env("DEBIAN_FRONTEND", "noninteractive").timeout(Duration.ofMinutes(20)).build())
        .unless(installed(packages));
  }

  /** Exits 0 when every one of {@code packages} is installed. */
  public static Command installed(List<String> packages) {
    List<String> query = new ArrayList<>(List.of("sh", "-c",
        "[ \"$(dpkg-query -W -f='${Status}\\n' \"$@\" 2>/dev/null | grep -c '^install ok installed$')\" -eq \"$#\" ]", "sh"));
    query.addAll(packages);
    return Command.of(query).asReadOnly();
  }
}
