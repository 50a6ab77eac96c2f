package dev.cutover.dualwrite;

import dev.cutover.TaskQueue;
import dev.cutover.failure.Failures;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagActivities;
import dev.cutover.runbook.Runbook;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;
import java.time.Duration;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class DualWriteWorkflowImpl implements DualWriteWorkflow {
  /** Long enough for in-flight application transactions to commit through the new trigger. */
  static final Duration CHECK_WINDOW = Duration.ofSeconds(5);

  private final DualWriteActivities activities =
      Workflow.newActivityStub(DualWriteActivities.class, PhaseOptions.shortSql());
  private final FlagActivities flags =
      Workflow.newActivityStub(FlagActivities.class, PhaseOptions.shortSql());

  @Override
  public DualWriteActivities.WriteCheck enable(Runbook runbook, String by) {
    long since = activities.installSyncTrigger(runbook);
    flags.setFlag(new FlagActivities.FlagChange(
        runbook.source().connection(), runbook.name(), Flag.DUAL_WRITE, 1, by));
    Workflow.sleep(CHECK_WINDOW);
    DualWriteActivities.WriteCheck check = activities.verifyRecentWrites(runbook, since);
    if (check.mismatched() > 0) {
      throw ApplicationFailure.newNonRetryableFailure(
          check.mismatched() + " of " + check.checked() + " rows written since the trigger was installed"
              + " differ in the target, e.g. " + String.join("; ", check.samples()),
          Failures.DUAL_WRITE_BROKEN, check);
    }
    return check;
  }
}
