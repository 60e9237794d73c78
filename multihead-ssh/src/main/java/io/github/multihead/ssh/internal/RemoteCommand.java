package io.github.multihead.ssh.internal;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Content;
import io.github.multihead.internal.text.Shell;
import io.github.multihead.spec.Secret;
import java.util.Optional;

/**
 * The exact text sent in an SSH exec request for a {@link Command}, and the bytes for its stdin.
 *
 * <p>The line always starts with {@code echo $$; exec …}: the login shell that sshd starts for an
 * exec request is a session and process-group leader (sshd calls setsid), it prints its PID and
 * then becomes the command, so the PID we read is the command's. On timeout we kill that PID's
 * process group and every descendant (see {@link #killScript()}).
 *
 * <p>sudo: never put in front of the shell line (it has {@code cd …&&} and {@code env} prefixes);
 * the line goes as one quoted word to {@code sudo -n -- sh -c}. With a sudo password,
 * {@code sudo -S -p ''} reads it as the first stdin line, followed by a marker line: a tiny
 * prelude run by sudo consumes lines until the marker, so when sudo did not ask for the password
 * (cached credentials, NOPASSWD) the password still never reaches the command's stdin.
 */
public final class RemoteCommand {
  static final String MARKER = "__multihead_sudo_stdin__";
  private static final String PRELUDE =
      "IFS= read -r l || exit 125; [ \"$l\" = " + MARKER + " ] || IFS= read -r l || exit 125; "
          + "[ \"$l\" = " + MARKER + " ] || { echo 'multihead: sudo password handshake failed' >&2; exit 125; }; "
          + "exec sh -c \"$1\"";

  // $1: PID of the wrapper (a session leader). Freeze the whole tree, then kill it and its group.
  private static final String KILL =
      "p=$1\n"
          + "[ -r /proc/$p/stat ] || exit 0\n"
          + "sid=$(sed 's/^.*) //' /proc/$p/stat | cut -d' ' -f4)\n"
          + "[ \"$sid\" = \"$p\" ] || exit 0\n" // gone, and the PID was reused: leave it alone
          + "tree() { echo \"$1\"; for c in $(cat /proc/\"$1\"/task/*/children 2>/dev/null); do tree \"$c\"; done; }\n"
          + "kill -STOP $(tree \"$p\") 2>/dev/null\n"
          + "all=$(tree \"$p\")\n"
          + "kill -KILL -- -\"$p\" 2>/dev/null\n"
          + "kill -KILL $all 2>/dev/null\n"
          + "exit 0\n";

  private final String line;
  private final Content stdin;

  private RemoteCommand(String line, Content stdin) {
    this.line = line;
    this.stdin = stdin;
  }

  /**
   * @param loginUser the SSH user; sudo is skipped for root
   * @param sudoPassword the password for {@code sudo -S}, or null for {@code sudo -n}
   * @param printPid whether to print the PID first (every command except the kill helper)
   */
  public static RemoteCommand of(Command command, String loginUser, Secret sudoPassword, boolean printPid) {
    String shellLine = command.toShellLine();
    boolean viaSudo = command.sudo() && !"root".equals(loginUser);
    Optional<Content> commandStdin = command.stdin();
    String body;
    Content stdin = commandStdin.orElse(Content.empty());
    if (!viaSudo) {
      // Without a workdir the shell line is "[env K=V…] argv…", which exec runs directly.
      body = command.workdir().isPresent() ? "sh -c " + Shell.quote(shellLine) : shellLine;
    } else if (sudoPassword == null) {
      body = "sudo -n -- sh -c " + Shell.quote(shellLine);
    } else {
      body = "sudo -S -p '' -- sh -c " + Shell.quote(PRELUDE) + " sh " + Shell.quote(shellLine);
      stdin = Content.builder()
          .appendSecret(sudoPassword)
          .append("\n" + MARKER + "\n")
          .append(stdin)
          .build();
    }
    String line = printPid ? "echo $$; exec " + body : "exec " + body;
    return new RemoteCommand(line, stdin);
  }

  /** The helper that kills the process tree of {@code pid}, through sudo if the command used it. */
  static Command killCommand(long pid, boolean sudo) {
    return Command.builder()
        .argv(java.util.List.of("sh", "-c", KILL, "sh", Long.toString(pid)))
        .sudo(sudo)
        .description("kill process group " + pid)
        .build();
  }

  static String killScript() {
    return KILL;
  }

  /** The exec request text. Contains no secret: those are in {@link #stdin()}. */
  public String line() {
    return line;
  }

  public Content stdin() {
    return stdin;
  }

  public boolean hasStdin() {
    return stdin.size() > 0;
  }
}
