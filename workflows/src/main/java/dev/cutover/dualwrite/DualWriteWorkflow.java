package dev.cutover.dualwrite;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface DualWriteWorkflow {
  @WorkflowMethod
  DualWriteActivities.WriteCheck enable(Runbook runbook, String by);
}
