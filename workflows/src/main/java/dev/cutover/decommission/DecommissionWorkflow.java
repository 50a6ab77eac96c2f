package dev.cutover.decommission;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface DecommissionWorkflow {
  /** The point of no return; fails with {@code LegacyStillWritten} before changing anything if writers remain. */
  @WorkflowMethod
  String retire(Runbook runbook, String by);
}
