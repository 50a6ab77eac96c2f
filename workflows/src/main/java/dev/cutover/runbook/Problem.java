package dev.cutover.runbook;

/**
 * One thing wrong with a runbook: where (a JSON-pointer-like path such as {@code /source/table}, and the
 * line and column once the loader knows them) and what to do about it.
 */
public record Problem(String path, int line, int column, String message) {

  public static Problem at(String path, String message) {
    return new Problem(path, 0, 0, message);
  }

  public Problem located(int line, int column) {
    return new Problem(path, line, column, message);
  }

  /** {@code FILE:LINE:COL: message}, the form editors and CI annotate. */
  public String render(String file) {
    return file + ":" + Math.max(line, 1) + ":" + Math.max(column, 1) + ": " + message;
  }
}
