package dev.cutover.cli;

import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationStatus.Approval;
import dev.cutover.runbook.Durations;
import dev.cutover.runbook.Runbook;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "wait", description = {
    "Block until a gate is pending, or with --done until the migration ends.",
    "Polls every second. Exit 0 when the gate (any, or the one --gate names) is pending or was already opened,",
    "or the migration COMPLETED; 5 on --timeout; 6 when it ended FAILED or ROLLED_BACK."})
class WaitCommand extends ClientCommand implements Callable<Integer> {
  static final Duration POLL = Duration.ofSeconds(1);
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  @Parameters(paramLabel = "ID", description = "the migration id")
  String id;

  @Option(names = "--gate", paramLabel = "GATE", description = "wait for this gate to be pending")
  String gate;

  @Option(names = "--done", description = "wait for the migration to end")
  boolean done;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "give up after this long (30s, 10m, 2h); exit 5")
  Duration timeout;

  @Override
  public Integer call() throws InterruptedException {
    if (gate != null && done) {
      throw new CliFailure(ExitCode.INVALID_INPUT, "--gate and --done exclude each other");
    }
    try (Temporal t = temporal.connect()) {
      Migrations migrations = new Migrations(t);
      migrations.describe(id);
      if (gate != null) {
        Runbook rb = migrations.request(id).runbook();
        if (!rb.gateNames().contains(gate)) {
          throw new CliFailure(ExitCode.INVALID_INPUT, "migration " + id + " has no gate '" + gate + "'; its gates: "
              + String.join(", ", rb.gateNames()));
        }
      }
      long start = System.nanoTime();
      long limit = timeout == null || timeout.isZero() ? Long.MAX_VALUE : timeout.toNanos();
      String lastSituation = null;
      String lastProgress = null;
      long lastProgressAt = 0;
      while (true) {
        MigrationStatus s = migrations.status(id);
        String situation = "phase " + s.phase() + (s.pendingGate() == null ? "" : ", gate " + s.pendingGate()
            + " pending");
        if (!situation.equals(lastSituation) && !s.ended()) {
          out().println(situation);
          lastSituation = situation;
        }
        if (s.progress() != null && !s.ended()) {
          String p = StatusView.progress(s.progress());
          if (!p.equals(lastProgress) && System.nanoTime() - lastProgressAt > PROGRESS_EVERY.toNanos()) {
            out().println(p);
            lastProgress = p;
            lastProgressAt = System.nanoTime();
          }
        }
        out().flush();
        if (s.ended()) {
          out().println("migration " + id + " ended " + s.state() + (s.failure() == null ? "" : ": " + s.failure()));
          return s.state() == MigrationStatus.State.COMPLETED ? ExitCode.OK : ExitCode.MIGRATION_NOT_COMPLETED;
        }
        if (!done) {
          String reached = reached(s);
          if (reached != null) {
            out().println(reached);
            return ExitCode.OK;
          }
        }
        long elapsed = System.nanoTime() - start;
        if (elapsed >= limit) {
          throw new CliFailure(ExitCode.TIMED_OUT, "timed out after " + Durations.format(timeout) + " waiting for "
              + (done ? "the migration to end" : gate != null ? "gate " + gate : "a gate") + "; " + id + " is in "
              + situation);
        }
        Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), (limit - elapsed) / 1_000_000)));
      }
    }
  }

  private String reached(MigrationStatus s) {
    if (s.pendingGate() != null && (gate == null || gate.equals(s.pendingGate()))) {
      return "gate " + s.pendingGate() + " is pending" + (s.waitingFor() == null ? "" : ": " + s.waitingFor());
    }
    if (gate != null && s.approvals() != null) {
      for (Approval a : s.approvals()) {
        if (a.gate().equals(gate)) {
          return "gate " + gate + " was already opened by " + a.approver() + " at " + StatusView.when(a.at());
        }
      }
    }
    return null;
  }
}
