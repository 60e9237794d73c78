package io.github.multihead.spec;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything found in one spec — by {@link SpecLoader} in a file, or by {@link ClusterSpec#validate()}
 * in a spec built in code: all problems at once, and the spec if usable.
 */
public final class ValidationReport {
  private final String source;
  private final List<ValidationProblem> problems;
  private final ClusterSpec spec;

  public ValidationReport(String source, List<ValidationProblem> problems, ClusterSpec spec) {
    this.source = source;
    this.problems = List.copyOf(problems);
    this.spec = spec;
  }

  /** Where the spec came from: a file name, or {@code ClusterSpec (built in code)}. */
  public String source() {
    return source;
  }

  /** Errors then warnings, each group in document order. */
  public List<ValidationProblem> problems() {
    return problems;
  }

  public List<ValidationProblem> errors() {
    return problems.stream().filter(ValidationProblem::isError).collect(Collectors.toUnmodifiableList());
  }

  public List<ValidationProblem> warnings() {
    return problems.stream().filter(p -> !p.isError()).collect(Collectors.toUnmodifiableList());
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(ValidationProblem::isError);
  }

  /** The spec, present when there is no error. */
  public Optional<ClusterSpec> spec() {
    return Optional.ofNullable(spec);
  }

  /** The spec, or an {@link InvalidSpecException} listing the errors. */
  public ClusterSpec specOrThrow() {
    if (spec == null) {
      throw new InvalidSpecException(this);
    }
    return spec;
  }
}
