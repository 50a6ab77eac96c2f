package dev.cutover.migration;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One migration: workflow id = runbook name, one running per id. Runs the phases as children
 * {@code <id>/<phase>}, holds the gates and the saga.
 *
 * <p>Operator actions are Updates, so a refusal (gate not pending, approver not allowed) comes back to the
 * caller and never enters the history; each has a Signal twin with the same JSON for clients that cannot
 * send updates; a refused signal is recorded in {@code status.refusals} instead.
 */
@WorkflowInterface
public interface MigrationWorkflow {
  String TYPE = "MigrationWorkflow";

  @WorkflowMethod
  MigrationStatus run(Request request);

  @QueryMethod(name = "status")
  MigrationStatus status();

  @UpdateMethod(name = "approve")
  MigrationStatus.Approval approve(Approve request);

  @UpdateValidatorMethod(updateName = "approve")
  void validateApprove(Approve request);

  @SignalMethod(name = "approveSignal")
  void approveSignal(Approve request);

  @UpdateMethod(name = "abort")
  String abort(Abort request);

  @UpdateValidatorMethod(updateName = "abort")
  void validateAbort(Abort request);

  @SignalMethod(name = "abortSignal")
  void abortSignal(Abort request);

  /** From the backfill child: rows copied so far. */
  @SignalMethod(name = "reportProgress")
  void reportProgress(MigrationStatus.Progress progress);

  /** From the reconcile child: one finished cycle. */
  @SignalMethod(name = "reportReconcile")
  void reportReconcile(MigrationStatus.ReconcileCycle cycle);

  record Request(Runbook runbook, String startedBy) {}

  record Approve(String gate, String approver, String comment) {}

  record Abort(String by, String reason) {}
}
