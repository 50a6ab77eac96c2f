package dev.cutover.decommission;

import dev.cutover.TaskQueue;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.runbook.Runbook;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;
import java.time.Duration;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class DecommissionWorkflowImpl implements DecommissionWorkflow {
  private final DecommissionActivities watch = Workflow.newActivityStub(
      DecommissionActivities.class, PhaseOptions.longSql(Duration.ofHours(1)));
  private final DecommissionActivities activities =
      Workflow.newActivityStub(DecommissionActivities.class, PhaseOptions.shortSql());

  @Override
  public String retire(Runbook runbook, String by) {
    watch.confirmNoLegacyWriters(runbook);
    String retired = activities.retireLegacyTable(runbook);
    String audit = activities.auditTarget(runbook);
    return "legacy table renamed to " + retired + "; " + audit;
  }
}
