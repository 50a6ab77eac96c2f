package dev.cutover.writecutover;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface WriteCutoverWorkflow {
  @WorkflowMethod
  void moveWrites(Runbook runbook, String by);
}
