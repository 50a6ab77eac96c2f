package dev.cutover;

/** The one task queue cutover's workflows and activities run on. */
public final class TaskQueue {
  public static final String NAME = "cutover";

  private TaskQueue() {}
}
