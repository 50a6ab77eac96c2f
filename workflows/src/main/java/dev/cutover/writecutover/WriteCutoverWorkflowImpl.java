package dev.cutover.writecutover;

import dev.cutover.TaskQueue;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagActivities;
import dev.cutover.runbook.Runbook;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class WriteCutoverWorkflowImpl implements WriteCutoverWorkflow {
  private final WriteCutoverActivities activities =
      Workflow.newActivityStub(WriteCutoverActivities.class, PhaseOptions.shortSql());
  private final FlagActivities flags = Workflow.newActivityStub(FlagActivities.class, PhaseOptions.shortSql());

  @Override
  public void moveWrites(Runbook runbook, String by) {
    // The reverse sync must exist before the flag moves writers, or their first writes miss the legacy table.
    activities.installReverseTrigger(runbook);
    flags.setFlag(new FlagActivities.FlagChange(
        runbook.source().connection(), runbook.name(), Flag.WRITE_TARGET, 1, by));
  }
}
