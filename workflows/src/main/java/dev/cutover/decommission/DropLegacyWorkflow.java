package dev.cutover.decommission;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface DropLegacyWorkflow {
  @WorkflowMethod
  String drop(Runbook runbook, String by);
}
