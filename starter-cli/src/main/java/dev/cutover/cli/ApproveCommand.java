package dev.cutover.cli;

import dev.cutover.migration.MigrationStatus.Approval;
import dev.cutover.migration.MigrationWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "approve", description = {"Open the pending gate; recorded with who, when and why.",
    "Refused (exit 4) when that gate is not pending, the approver is not on gates.approvers, or",
    "(twoPersonRule) the approver started the migration."})
class ApproveCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ID", description = "the migration id")
  String id;

  @Parameters(index = "1", paramLabel = "GATE", description = "the gate to open, e.g. read-cutover")
  String gate;

  @Option(names = "--as", required = true, paramLabel = "USER", description = "who approves (recorded)")
  String as;

  @Option(names = "--comment", paramLabel = "TEXT", description = "why (recorded in the history)")
  String comment;

  @Override
  public Integer call() {
    try (Temporal t = temporal.connect()) {
      requireRunning(new Migrations(t), id);
      Approval a = t.client().newWorkflowStub(MigrationWorkflow.class, id)
          .approve(new MigrationWorkflow.Approve(gate, as, comment));
      out().println("approved gate " + a.gate() + " of " + id + " as " + a.approver() + " at "
          + StatusView.when(a.at()));
    }
    return ExitCode.OK;
  }

  /** An ended migration has no gates to open and nothing to abort: a refusal, not "not found". */
  static void requireRunning(Migrations migrations, String id) {
    WorkflowExecutionStatus s = migrations.describe(id).getStatus();
    if (s != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new CliFailure(ExitCode.REFUSED, "refused: migration " + id + " has ended ("
          + migrations.status(id).state() + ")");
    }
  }
}
