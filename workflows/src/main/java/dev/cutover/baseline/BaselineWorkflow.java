package dev.cutover.baseline;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface BaselineWorkflow {
  /** Fails with {@code BaselineBlocked} when a finding must be fixed before anything is installed. */
  @WorkflowMethod
  BaselineReport inspect(Runbook runbook);
}
