package io.github.multihead.e2e;

import io.github.multihead.exec.Transport;
import io.github.multihead.spec.ClusterSpec;
import io.github.multihead.spec.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Brings a lab up before the test class and down after it. Under {@code CI=true} a lab that cannot
 * start fails the class; elsewhere, without root, the class is skipped with a clear message.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LabExtension.class);
  static final long UP_TIMEOUT_SECONDS = 900; // a cold image + repository build included

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    Path script = Path.of(System.getProperty("multihead.lab", "../lab/lab")).toAbsolutePath().normalize();
    String missing = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      missing = "the lab needs root (systemd-nspawn, bridges, overlay mounts); running as " + System.getProperty("user.name");
    } else if (!Files.isExecutable(script)) {
      missing = "lab script not found at " + script;
    }
    if (missing != null) {
      if (ci) {
        throw new AssertionError("CI=true and the lab cannot start: " + missing);
      }
      Assumptions.abort("skipping end-to-end tests: " + missing);
    }
    Lab wanted = context.getRequiredTestClass().getAnnotation(Lab.class);
    LabScript lab = new LabScript(script, Path.of("target", "lab-logs"));
    String out = lab.run(UP_TIMEOUT_SECONDS, "up", Integer.toString(wanted.nodes()), "--compute", Integer.toString(wanted.compute()));
    Path inventory = Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow(() -> new AssertionError("lab up printed no inventory path")));
    Path dir = inventory.getParent();
    Path secretsFile = dir.resolve("secrets.env");
    Map<String, String> secrets = new HashMap<>();
    for (String line : Files.readAllLines(secretsFile, StandardCharsets.UTF_8)) {
      // the values, to search for leaks: the file's own format is read by SpecLoader
      if (line.startsWith("export ") && line.contains("=")) {
        String kv = line.substring(7);
        String value = kv.substring(kv.indexOf('=') + 1);
        secrets.put(kv.substring(0, kv.indexOf('=')), value.replaceAll("^['\"]|['\"]$", ""));
      }
    }
    ClusterSpec spec = SpecLoader.create().environmentFile(secretsFile).load(inventory);
    Transport transport = LabTransports.open(spec);
    context.getStore(NS).put("cluster", new LabCluster(spec, transport, dir, Map.copyOf(secrets), lab));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    LabCluster cluster = context.getStore(NS).remove("cluster", LabCluster.class);
    if (cluster == null) {
      return;
    }
    try {
      cluster.transport().close();
    } finally {
      if (!"1".equals(System.getenv("MULTIHEAD_LAB_KEEP"))) {
        cluster.script().run(120, "down");
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == LabCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    ExtensionContext classContext = extensionContext;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext.getStore(NS).get("cluster", LabCluster.class);
  }
}
