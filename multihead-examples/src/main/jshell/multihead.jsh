// JShell startup for multihead: start with  bin/multihead-jshell
// (it puts the library on the class path and loads this file).
import io.github.multihead.*;
import io.github.multihead.spec.*;
import io.github.multihead.exec.*;
import io.github.multihead.plan.*;
import io.github.multihead.phases.*;
import io.github.multihead.testing.*;
import java.nio.file.*;
import java.time.*;
import java.util.*;

/** Loads a cluster YAML with the process environment (for ${VAR} secrets). */
ClusterSpec load(String path) { return SpecLoader.create().load(Path.of(path)); }

/** Loads a cluster YAML, adding KEY=VALUE lines from an env file (e.g. the lab's secrets.env). */
ClusterSpec load(String path, String envFile) { return SpecLoader.create().environmentFile(Path.of(envFile)).load(Path.of(path)); }

/** An offline plan (no node contacted) as text. */
String offlinePlan(ClusterSpec spec) { return Cluster.builder().spec(spec).build().plan().toText(); }

System.out.println("multihead loaded: load(\"cluster.yaml\"), offlinePlan(spec), Cluster.builder()…");
