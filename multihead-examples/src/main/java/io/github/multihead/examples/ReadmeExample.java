package io.github.multihead.examples;

import io.github.multihead.Cluster;
import io.github.multihead.plan.RunReport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import io.github.multihead.ssh.SshTransport;
import java.nio.file.Path;

/** The README's example, compiled so that it cannot rot; {@code ReadmeSnippetTest} keeps them equal. */
public final class ReadmeExample {
  private ReadmeExample() {}

  /** Loads {@code config}, prints the dry-run plan, deploys, prints the summary. */
  public static void deploy(Path config) {
    // README:begin
    ClusterSpec spec = SpecLoader.create().load(config);  // every problem at once, with line:col
    try (Cluster cluster = Cluster.builder().spec(spec).transport(SshTransport.forSpec(spec))
        .journal(Path.of("multihead-journal.jsonl")).build()) {
      System.out.print(cluster.plan().toText());  // dry run: diffs and commands, secrets redacted
      RunReport report = cluster.deploy();        // a second deploy reports 0 changed
      System.out.println(report.summary());
    }
    // README:end
  }
}
