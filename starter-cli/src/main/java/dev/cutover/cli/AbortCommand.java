package dev.cutover.cli;

import dev.cutover.migration.MigrationWorkflow;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "abort", description = {"Roll back: compensations in reverse, the legacy table stays primary.",
    "Refused (exit 4) once decommission has started: past the point of no return."})
class AbortCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID", description = "the migration id")
  String id;

  @Option(names = "--as", required = true, paramLabel = "USER", description = "who aborts (recorded)")
  String as;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (recorded in the history)")
  String reason;

  @Override
  public Integer call() {
    try (Temporal t = temporal.connect()) {
      ApproveCommand.requireRunning(new Migrations(t), id);
      String answer = t.client().newWorkflowStub(MigrationWorkflow.class, id)
          .abort(new MigrationWorkflow.Abort(as, reason));
      out().println(id + ": " + answer);
      out().println("follow the rollback with `cutover wait " + id + " --done`");
    }
    return ExitCode.OK;
  }
}
