package dev.cutover.baseline;

import dev.cutover.failure.Failures;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.TaskQueue;
import dev.cutover.runbook.Runbook;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;
import java.util.stream.Collectors;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class BaselineWorkflowImpl implements BaselineWorkflow {
  private final BaselineActivities activities =
      Workflow.newActivityStub(BaselineActivities.class, PhaseOptions.shortSql());

  @Override
  public BaselineReport inspect(Runbook runbook) {
    boolean created = runbook.target().create() && activities.createTarget(runbook);
    BaselineReport report = activities.inspectTables(runbook);
    if (created) {
      report = new BaselineReport(report.findings(), report.sourceRowEstimate(), report.sourceBytes(),
          report.targetRowEstimate(), report.targetBytes(), report.targetConstraints(), report.sampledRows(), true);
    }
    if (!report.blocking().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "baseline found " + report.blocking().size() + " blocking problem(s):\n"
              + report.blocking().stream().map(f -> "- " + f.check() + ": " + f.message())
                  .collect(Collectors.joining("\n")),
          Failures.BASELINE_BLOCKED, report);
    }
    return report;
  }
}
