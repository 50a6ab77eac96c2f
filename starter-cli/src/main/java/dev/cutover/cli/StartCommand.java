package dev.cutover.cli;

import dev.cutover.TaskQueue;
import dev.cutover.migration.MigrationWorkflow;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "start", description = "Validate a runbook and start its migration; prints the migration id.")
class StartCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "the runbook (YAML)")
  Path file;

  @Option(names = "--as", required = true, paramLabel = "USER", description = "who starts it (recorded; with "
      + "gates.twoPersonRule this person may not approve its gates)")
  String as;

  @Override
  public Integer call() {
    Runbook rb = RunbookLoader.load(file);
    if (as.isBlank()) {
      throw new CliFailure(ExitCode.INVALID_INPUT, "--as must name who starts the migration");
    }
    try (Temporal t = temporal.connect()) {
      WorkflowExecution run = start(t.client(), rb, as);
      out().println(run.getWorkflowId());
      err().println("started migration " + rb.name() + " as " + as + " (run " + run.getRunId() + ")"
          + "; follow it with `cutover status " + rb.name() + "`");
    }
    return ExitCode.OK;
  }

  static WorkflowExecution start(WorkflowClient client, Runbook rb, String as) {
    MigrationWorkflow migration = client.newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(rb.name())
        .setTaskQueue(TaskQueue.NAME)
        .build());
    return WorkflowClient.start(migration::run, new MigrationWorkflow.Request(rb, as));
  }
}
