package dev.cutover.reconcile;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

@WorkflowInterface
public interface ReconcileWorkflow {
  /** Returns once {@code cleanCycles} consecutive cycles had drift at or under the threshold. */
  @WorkflowMethod
  ReconcileState reconcile(Runbook runbook, ReconcileState state);

  record ReconcileState(int cycles, int cleanStreak, ReconcileActivities.CycleResult last) {}
}
