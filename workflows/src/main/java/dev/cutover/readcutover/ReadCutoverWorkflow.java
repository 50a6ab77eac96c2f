package dev.cutover.readcutover;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface ReadCutoverWorkflow {
  /** Sets {@code read_percent} to {@code percent}, then soaks; the next step has its own gate. */
  @WorkflowMethod
  int step(Runbook runbook, int percent, String by);
}
