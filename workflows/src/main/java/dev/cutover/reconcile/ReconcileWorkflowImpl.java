package dev.cutover.reconcile;

import dev.cutover.TaskQueue;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.migration.MigrationStatus.ReconcileCycle;
import dev.cutover.migration.ParentReports;
import dev.cutover.runbook.Runbook;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;
import java.time.Duration;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class ReconcileWorkflowImpl implements ReconcileWorkflow {
  /** A cycle adds about 12 events (activity, signal, timer, tasks); continue-as-new keeps runs short. */
  static final int MAX_EVENTS = 1_000;

  private final ReconcileActivities activities = Workflow.newActivityStub(
      ReconcileActivities.class, PhaseOptions.longSql(Duration.ofHours(24)));

  @Override
  public ReconcileState reconcile(Runbook runbook, ReconcileState initial) {
    ReconcileState state = initial == null ? new ReconcileState(0, 0, null) : initial;
    while (true) {
      ReconcileActivities.CycleResult r = activities.reconcileCycle(runbook, true);
      boolean clean = r.driftRatio() <= runbook.reconcile().maxDriftRatio();
      state = new ReconcileState(state.cycles() + 1, clean ? state.cleanStreak() + 1 : 0, r);
      ParentReports.reconcile(new ReconcileCycle(state.cycles(), r.rowsChecked(), r.mismatchedRows(), r.repaired(),
          r.driftRatio(), clean, state.cleanStreak(), dev.cutover.migration.WorkflowClock.now(), r.samples()));
      if (state.cleanStreak() >= runbook.reconcile().cleanCycles()) {
        return state;
      }
      Workflow.sleep(runbook.reconcile().intervalDuration());
      if (Workflow.getInfo().isContinueAsNewSuggested() || Workflow.getInfo().getHistoryLength() > MAX_EVENTS) {
        Workflow.continueAsNew(runbook, state);
      }
    }
  }
}
