package io.github.multihead.services.galera;

import io.github.multihead.exec.CommandResult;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Node;
import io.github.multihead.exec.TransportException;
import io.github.multihead.plan.HealthCheck;
import io.github.multihead.plan.HealthContext;
import io.github.multihead.plan.HealthResult;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The seed's Test 2 as code: a row written on one node is read on every other (with
 * {@code wsrep_sync_wait} so the read waits for the write to be applied), then the test database
 * is dropped again.
 */
final class ReplicationCheck implements HealthCheck {
  static final String DATABASE = "multihead_check";

  @Override
  public boolean writesTestData() {
    return true;
  }

  @Override
  public String name() {
    return "a row written on one node is read on every other";
  }

  @Override
  public HealthResult probe(HealthContext context) {
    List<Node> nodes = context.nodes();
    if (nodes.size() < 2) {
      return HealthResult.pass(name() + ": single node, nothing to replicate");
    }
    Node writer = nodes.get(0);
    String token = UUID.randomUUID().toString();
    try {
      CommandResult w = context.executor(writer).run(GaleraSql.mysql(Content.of(
          "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";\n"
              + "CREATE TABLE IF NOT EXISTS " + DATABASE + ".probe (token VARCHAR(64) PRIMARY KEY, written_on VARCHAR(255)) ENGINE=InnoDB;\n"
              + "INSERT INTO " + DATABASE + ".probe VALUES ('" + token + "', '" + writer.hostname() + "');\n"),
          false, "mysql: write test row " + token + " into " + DATABASE + ".probe"));
      if (!w.ok()) {
        return HealthResult.failure("cannot write a test row on " + writer.hostname() + ": " + w.stderrTail())
            .node(writer.hostname()).exitCode(w.exitCode()).stderrTail(w.stderrTail()).build();
      }
      List<String> missing = new ArrayList<>();
      for (Node reader : nodes.subList(1, nodes.size())) {
        CommandResult r = context.executor(reader).run(GaleraSql.mysql(Content.of(
            "SET SESSION wsrep_sync_wait = 1;\nSELECT written_on FROM " + DATABASE + ".probe WHERE token = '" + token + "';\n"),
            true, "mysql: read test row " + token));
        if (!r.ok() || !r.stdout().strip().equals(writer.hostname())) {
          missing.add(reader.hostname() + (r.ok() ? " does not see it" : " cannot read: " + r.stderrTail()));
        }
      }
      return missing.isEmpty()
          ? HealthResult.pass("row written on " + writer.hostname() + " read on " + (nodes.size() - 1) + " other nodes")
          : HealthResult.fail("row written on " + writer.hostname() + ": " + String.join("; ", missing));
    } catch (TransportException e) {
      return HealthResult.fail(e.getMessage());
    } finally {
      try {
        context.executor(writer).run(GaleraSql.mysql(Content.of("DROP DATABASE IF EXISTS " + DATABASE + ";\n"), false,
            "mysql: drop " + DATABASE));
      } catch (TransportException e) {
        // reported by the check itself when the node is gone
      }
    }
  }
}
