package dev.cutover.cli;

import dev.cutover.migration.MigrationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Every migration in the namespace (its latest run) with its state.")
class ListCommand extends ClientCommand implements Callable<Integer> {
  @Option(names = "--json", description = "a JSON array")
  boolean json;

  /** A migration as listed; {@code state} is cutover's (ROLLED_BACK is a completed workflow to Temporal). */
  record Row(String id, String state, String phase, String pendingGate, String startedBy, Instant startedAt,
      Instant endedAt, String temporalStatus, String runId) {}

  @Override
  public Integer call() {
    try (Temporal t = temporal.connect()) {
      Migrations migrations = new Migrations(t);
      List<Row> rows = new ArrayList<>();
      for (Migrations.Listed l : migrations.list()) {
        String temporalStatus = l.temporalStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
        MigrationStatus s = null;
        try {
          s = migrations.status(l.id());
        } catch (RuntimeException e) {
          // no worker to answer a query: Temporal's own status still says something
        }
        rows.add(new Row(l.id(), s == null ? temporalStatus : s.state().name(), s == null ? null : s.phase(),
            s == null ? null : s.pendingGate(), s == null ? null : s.startedBy(), l.startedAt(),
            l.closedAt() != null || s == null || s.endedAt() == null ? l.closedAt() : Instant.parse(s.endedAt()),
            temporalStatus, l.runId()));
      }
      if (json) {
        out().println(Json.write(rows));
        return ExitCode.OK;
      }
      if (rows.isEmpty()) {
        out().println("no migrations in namespace " + t.namespace());
        return ExitCode.OK;
      }
      String format = "%-24s %-12s %-20s %-20s %-10s %s%n";
      out().printf(Locale.ROOT, format, "ID", "STATE", "PHASE", "PENDING GATE", "STARTED BY", "STARTED AT");
      for (Row r : rows) {
        out().printf(Locale.ROOT, format, r.id(), r.state(), dash(r.phase()), dash(r.pendingGate()),
            dash(r.startedBy()), r.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
      }
    }
    return ExitCode.OK;
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
