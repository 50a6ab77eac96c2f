package dev.cutover.decommission;

import dev.cutover.TaskQueue;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.runbook.Runbook;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class DropLegacyWorkflowImpl implements DropLegacyWorkflow {
  private final DecommissionActivities activities =
      Workflow.newActivityStub(DecommissionActivities.class, PhaseOptions.shortSql());

  @Override
  public String drop(Runbook runbook, String by) {
    activities.dropRetiredTable(runbook);
    return "dropped " + runbook.source().tableName().schema() + "." + DecommissionActivities.retiredName(runbook);
  }
}
