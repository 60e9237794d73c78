package io.github.multihead.services;

import io.github.multihead.exec.Command;
import io.github.multihead.exec.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What a rollback undoes for one phase — contributed by the service's home
 * ({@code ManagedService.removal}) or by phases 0 and 7 — what {@code Cluster.rollback()} reads:
 *
 * <ul>
 *   <li>{@linkplain #leave() cluster-level leave steps}, run once before any node's part when the
 *       whole service goes (GlusterFS: the volume stopped and deleted, the peers detached);
 *   <li>per node, a {@link Part}: the mounts to unmount and the lines it edited into shared files
 *       ({@code /etc/fstab}, {@code /etc/hosts}) to take out again; the units to stop and disable
 *       (in start order; the service's {@link Lifecycle} units first); the packages it installed
 *       (its own install list: a rollback never purges a package the node had before the first
 *       deploy); the users and groups it created; the files and directories it wrote (data,
 *       configs, unit files, drop-ins); sysctl values to put back; saved files to restore.
 * </ul>
 */
public final class Removal {
  /** A cluster-level step: on {@code node}, {@code action} runs when {@code needed} exits 0. */
  public record Leave(Node node, String what, Command needed, Command action) {
    public Leave {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(needed, "needed");
      Objects.requireNonNull(action, "action");
    }
  }

  /** Lines a phase edited into a file it shares with others: {@code undo} takes them out again. */
  public record Edit(String path, String what, UnaryOperator<String> undo) {
    public Edit {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(undo, "undo");
    }
  }

  /** What goes on one node, by kind; every list in the order it is undone (units: start order). */
  public record Part(List<String> mounts, List<Edit> edits, List<String> units, List<String> packages, List<String> users,
      List<String> groups, Map<String, String> restores, List<String> paths, Map<String, String> sysctl) {
    public Part {
      mounts = List.copyOf(mounts);
      edits = List.copyOf(edits);
      units = List.copyOf(units);
      packages = List.copyOf(packages);
      users = List.copyOf(users);
      groups = List.copyOf(groups);
      restores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(restores));
      paths = List.copyOf(paths);
      sysctl = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sysctl));
    }

    /** A part with nothing to undo. */
    public static Part none() {
      return builder().build();
    }

    /** An empty builder. */
    public static PartBuilder builder() {
      return new PartBuilder();
    }
  }

  /** Builds a {@link Part}; every method adds. */
  public static final class PartBuilder {
    private final List<String> mounts = new ArrayList<>();
    private final List<Edit> edits = new ArrayList<>();
    private final List<String> units = new ArrayList<>();
    private final List<String> packages = new ArrayList<>();
    private final List<String> users = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();
    private final Map<String, String> restores = new LinkedHashMap<>();
    private final List<String> paths = new ArrayList<>();
    private final Map<String, String> sysctl = new LinkedHashMap<>();

    private PartBuilder() {}

    /** Mount points to unmount (when mounted). */
    public PartBuilder mounts(String... points) {
      mounts.addAll(List.of(points));
      return this;
    }

    /** Lines to take out of a shared file ({@code undo} maps its text to the text without them). */
    public PartBuilder edit(String path, String what, UnaryOperator<String> undo) {
      edits.add(new Edit(path, what, undo));
      return this;
    }

    /** systemd units to stop and disable, in start order (stopped in reverse). */
    public PartBuilder units(List<String> list) {
      list.forEach(u -> {
        if (!units.contains(u)) {
          units.add(u);
        }
      });
      return this;
    }

    /** systemd units to stop and disable, in start order. */
    public PartBuilder units(String... list) {
      return units(List.of(list));
    }

    /** The packages the phase installed (its own install lists). */
    public PartBuilder packages(List<String> list) {
      list.forEach(p -> {
        if (!packages.contains(p)) {
          packages.add(p);
        }
      });
      return this;
    }

    /** Users it (or its packages) created; removed with their home when not on the node before. */
    public PartBuilder users(String... names) {
      users.addAll(List.of(names));
      return this;
    }

    /** Groups it (or its packages) created; removed when not on the node before. */
    public PartBuilder groups(String... names) {
      groups.addAll(List.of(names));
      return this;
    }

    /** {@code path} put back from the copy at {@code savedCopy} (when that copy exists and differs). */
    public PartBuilder restore(String path, String savedCopy) {
      restores.put(path, savedCopy);
      return this;
    }

    /** Files and directories it wrote (data, configs, unit files, drop-ins): removed recursively. */
    public PartBuilder paths(String... list) {
      paths.addAll(List.of(list));
      return this;
    }

    /** A kernel setting it changed, and the value to put back. */
    public PartBuilder sysctl(String key, String value) {
      sysctl.put(key, value);
      return this;
    }

    /** The part. */
    public Part build() {
      return new Part(mounts, edits, units, packages, users, groups, restores, paths, sysctl);
    }
  }

  private final String owner;
  private final List<Node> nodes;
  private final Function<Node, Part> parts;
  private final List<Leave> leave;

  private Removal(String owner, List<Node> nodes, Function<Node, Part> parts, List<Leave> leave) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.nodes = List.copyOf(nodes);
    this.parts = Objects.requireNonNull(parts, "parts");
    this.leave = List.copyOf(leave);
  }

  /** The removal of phase {@code owner} (its id) on {@code nodes}, each node's part from {@code parts}. */
  public static Removal of(String owner, List<Node> nodes, Function<Node, Part> parts) {
    return new Removal(owner, nodes, parts, List.of());
  }

  /** A copy with these cluster-level leave steps (run in order, before the nodes' parts). */
  public Removal withLeave(List<Leave> steps) {
    return new Removal(owner, nodes, parts, steps);
  }

  /** The phase id ({@code redis}, {@code preflight}…). */
  public String owner() {
    return owner;
  }

  /** The nodes it has a part on. */
  public List<Node> nodes() {
    return nodes;
  }

  /** What goes on {@code node}. */
  public Part part(Node node) {
    return parts.apply(node);
  }

  /** The cluster-level steps, run once when the whole service goes. */
  public List<Leave> leave() {
    return leave;
  }

  @Override
  public String toString() {
    return "Removal[" + owner + " on " + nodes.stream().map(Node::hostname).toList() + "]";
  }
}
