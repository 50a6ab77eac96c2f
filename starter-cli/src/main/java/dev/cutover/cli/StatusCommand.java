package dev.cutover.cli;

import dev.cutover.migration.MigrationStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Phase, pending gate, approvals, progress, drift and ETA of a migration.")
class StatusCommand extends ClientCommand implements Callable<Integer> {
  @Parameters(paramLabel = "ID", description = "the migration id (the runbook name)")
  String id;

  @Option(names = "--json", description = "the full status as JSON")
  boolean json;

  @Override
  public Integer call() {
    try (Temporal t = temporal.connect()) {
      MigrationStatus s = new Migrations(t).status(id);
      if (json) {
        out().println(Json.write(s));
      } else {
        StatusView.render(s, out());
      }
    }
    return ExitCode.OK;
  }
}
