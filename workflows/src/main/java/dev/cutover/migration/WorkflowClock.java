package dev.cutover.migration;

import io.temporal.workflow.Workflow;
import java.time.Instant;

/** Timestamps from workflow time, so replay produces the same strings. */
public final class WorkflowClock {
  private WorkflowClock() {}

  public static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
