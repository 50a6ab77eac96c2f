package dev.cutover.runbook;

import java.util.List;
import java.util.stream.Collectors;

/** A runbook that must not start, with every problem found. */
public class InvalidRunbookException extends RuntimeException {
  private final String file;
  private final List<Problem> problems;

  public InvalidRunbookException(String file, List<Problem> problems) {
    super(problems.stream().map(p -> p.render(file)).collect(Collectors.joining("\n")));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  public String file() {
    return file;
  }

  public List<Problem> problems() {
    return problems;
  }
}
