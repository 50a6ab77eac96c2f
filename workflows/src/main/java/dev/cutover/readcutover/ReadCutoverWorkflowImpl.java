package dev.cutover.readcutover;

import dev.cutover.TaskQueue;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagActivities;
import dev.cutover.runbook.Runbook;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class ReadCutoverWorkflowImpl implements ReadCutoverWorkflow {
  private final FlagActivities flags = Workflow.newActivityStub(FlagActivities.class, PhaseOptions.shortSql());

  @Override
  public int step(Runbook runbook, int percent, String by) {
    flags.setFlag(new FlagActivities.FlagChange(
        runbook.source().connection(), runbook.name(), Flag.READ_PERCENT, percent, by));
    Workflow.sleep(runbook.readCutover().soakDuration());
    return percent;
  }
}
