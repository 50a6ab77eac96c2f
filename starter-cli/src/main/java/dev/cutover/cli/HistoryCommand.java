package dev.cutover.cli;

import io.temporal.common.WorkflowExecutionHistory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "history", description = {"The migration's timeline, or with --json Temporal's history JSON.",
    "The timeline: phases started and ended, gate approvals with approver and comment, signals, reconcile",
    "cycles, timers, compensations, failures. The JSON is Temporal's own, as its UI and CLI export it."})
class HistoryCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID", description = "the migration id")
  String id;

  @Option(names = "--json", description = "Temporal's history JSON")
  boolean json;

  @Override
  public Integer call() {
    try (Temporal t = temporal.connect()) {
      String runId = new Migrations(t).describe(id).getExecution().getRunId();
      WorkflowExecutionHistory history = t.client().fetchHistory(id, runId);
      if (json) {
        out().println(history.toJson(true));
      } else {
        new HistoryTimeline(t.client().getOptions().getDataConverter()).render(id, runId, history, out());
      }
    }
    return ExitCode.OK;
  }
}
