package dev.cutover.migration;

import dev.cutover.baseline.BaselineReport;
import dev.cutover.reconcile.ReconcileActivities.Mismatch;
import java.util.List;

/** The live status a query returns and the final result of the migration workflow. */
public record MigrationStatus(
    String id,
    State state,
    String phase,
    String pendingGate,
    String pendingSince,
    String waitingFor,
    List<Approval> approvals,
    List<PhaseRecord> phases,
    Progress progress,
    ReconcileCycle reconcile,
    BaselineReport baseline,
    String startedBy,
    String startedAt,
    String endedAt,
    String failure,
    List<String> compensations,
    List<String> refusals) {

  public enum State { RUNNING, COMPLETED, ROLLED_BACK, FAILED }

  /** Who opened which gate, when and why; {@code approver} "auto" for gates listed in gates.auto. */
  public record Approval(String gate, String approver, String comment, String at) {}

  /** {@code state}: RUNNING, COMPLETED, FAILED, CANCELED. */
  public record PhaseRecord(String name, String workflowId, String state, String startedAt, String endedAt,
      String summary) {}

  public record Progress(String phase, long done, long total, double percent, long rowsPerSecond, long etaSeconds) {}

  public record ReconcileCycle(int cycle, long rowsChecked, long mismatchedRows, long repaired, double driftRatio,
      boolean clean, int cleanStreak, String at, List<Mismatch> samples) {}

  public boolean ended() {
    return state != State.RUNNING;
  }
}
