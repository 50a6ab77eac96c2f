package dev.cutover.cli;

/** A failure the command already understands: one line for the user and the exit code that goes with it. */
public class CliFailure extends RuntimeException {
  private final int exitCode;

  public CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  public static CliFailure notFound(String id) {
    return new CliFailure(ExitCode.NOT_FOUND_OR_RUNNING, "migration " + id + " not found");
  }
}
