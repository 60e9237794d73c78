package io.github.multihead.internal.engine;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import io.github.multihead.exec.FileOperation;
import io.github.multihead.exec.Content;
import io.github.multihead.exec.Upload;
import io.github.multihead.internal.text.Redactor;
import io.github.multihead.plan.Check;
import io.github.multihead.plan.Step;
import io.github.multihead.plan.StepContext;
import io.github.multihead.plan.StepFailedException;
import io.github.multihead.exec.TransportException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Renders a file, diffs it against the node's copy, writes it atomically only when different. */
public final class FileStep implements Step {
  private final String name;
  private final String path;
  private final Function<Optional<String>, Content> render;
  private final int mode;
  private final String owner;

  public FileStep(String name, String path, Function<Optional<String>, Content> render, int mode, String owner) {
    // Validate eagerly: a bad path or mode is a programming error, found when the phase is built.
    Upload.of(path, Content.empty(), mode).ownedBy(owner == null ? "root" : owner);
    this.name = name;
    this.path = path;
    this.render = render;
    this.mode = mode;
    this.owner = owner;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Check check(StepContext context) {
    Redactor redactor = Redactor.of(context.spec().secrets());
    if (context.offline()) {
      Content wanted = render.apply(Optional.empty());
      return Check.unknown("offline: node copy not read")
          .withDiff(diff(redactor, "", wanted.redacted(), path + " (node copy unknown)"));
    }
    Optional<byte[]> current = context.executor().read(path);
    Optional<String> currentText = current.map(b -> new String(b, StandardCharsets.UTF_8));
    Content wanted = render.apply(currentText);
    if (current.isEmpty()) {
      return Check.run("absent").withDiff(diff(redactor, "", wanted.redacted(), "/dev/null"));
    }
    if (!wanted.sameBytesAs(current.get())) {
      String before = wanted.containsSecret() ? withoutUnknownLines(currentText.get(), wanted.redacted()) : currentText.get();
      return Check.run("content differs")
          .withDiff(diff(redactor, redactor.redact(before), wanted.redacted(), path));
    }
    Optional<FileOperation.FileAttributes> attributes;
    try {
      attributes = context.executor().stat(path);
    } catch (TransportException e) {
      return Check.run("cannot stat: " + e.getMessage());
    }
    if (attributes.isEmpty()) {
      return Check.run("vanished while checked");
    }
    int currentMode = attributes.get().mode();
    String currentOwner = attributes.get().ownership();
    String wantedOwner = owner == null ? null : (owner.contains(":") ? owner : owner + ":" + owner);
    if (currentMode != mode) {
      return Check.run(String.format("mode %04o, wanted %04o", currentMode, mode));
    }
    if (wantedOwner != null && !wantedOwner.equals(currentOwner)) {
      return Check.run("owner " + currentOwner + ", wanted " + wantedOwner);
    }
    return Check.skip("up to date");
  }

  @Override
  public void apply(StepContext context) {
    Optional<String> currentText = Optional.empty();
    try {
      currentText = context.executor().read(path).map(b -> new String(b, StandardCharsets.UTF_8));
      Upload upload = Upload.of(path, render.apply(currentText), mode);
      context.executor().upload(owner == null ? upload : upload.ownedBy(owner));
    } catch (TransportException e) {
      throw new StepFailedException(context.node().hostname(), context.phaseName(), name,
          Redactor.of(context.spec().secrets()).redact(e.getMessage()), e);
    }
  }

  @Override
  public List<String> preview(StepContext context) {
    Content c = render.apply(Optional.empty());
    return List.of(Upload.of(path, c, mode).describe().replaceFirst("\\)$", owner == null ? ")" : ", " + owner + ")"));
  }

  /** Shown for a line of the node's copy of a file holding a secret that is not one of the wanted lines. */
  static final String HIDDEN_LINE = "<not shown: the file holds a secret>";

  /**
   * The node's copy of a file that holds a secret, with every line that is not also a line of the
   * wanted (redacted) content hidden: such a line may hold a secret the spec no longer knows (a
   * rotated password), which the redactor could not mask.
   */
  static String withoutUnknownLines(String current, String wantedRedacted) {
    java.util.Set<String> known = new java.util.HashSet<>(lines(wantedRedacted));
    StringBuilder sb = new StringBuilder();
    for (String line : lines(current)) {
      sb.append(known.contains(line) ? line : HIDDEN_LINE).append('\n');
    }
    return sb.toString();
  }

  static String diff(Redactor redactor, String before, String after, String fromLabel) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    Patch<String> patch = DiffUtils.diff(a, b);
    List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(fromLabel, "planned", a, patch, 2);
    return redactor.redact(String.join("\n", lines));
  }

  private static List<String> lines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return Arrays.asList(body.split("\n", -1));
  }

  @Override
  public String toString() {
    return "FileStep[" + name + " " + path + "]";
  }
}
