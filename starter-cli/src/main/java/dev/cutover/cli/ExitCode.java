package dev.cutover.cli;

/** The exit codes scripts rely on; the same table is in the design and in {@code cutover --help}. */
public final class ExitCode {
  public static final int OK = 0;
  public static final int UNEXPECTED = 1;
  /** A bad runbook or bad arguments; picocli's usage errors use the same code. */
  public static final int INVALID_INPUT = 2;
  /** The migration does not exist, or one with that id is already running. */
  public static final int NOT_FOUND_OR_RUNNING = 3;
  /** The workflow refused the operation: gate not pending, approver not allowed, abort past the point of no return. */
  public static final int REFUSED = 4;
  public static final int TIMED_OUT = 5;
  /** The migration ended FAILED or ROLLED_BACK. */
  public static final int MIGRATION_NOT_COMPLETED = 6;

  private ExitCode() {}
}
