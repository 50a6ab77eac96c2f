package dev.cutover.decommission;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface DecommissionActivities {
  /**
   * Watches the legacy table for {@code decommission.quiet} and fails with {@code LegacyStillWritten}
   * (saying what it saw) if any statement wrote it directly. Heartbeats while it watches.
   */
  void confirmNoLegacyWriters(Runbook runbook);

  /**
   * Drops both sync triggers and renames the legacy table to {@link #retiredName}, in one short
   * transaction under lock_timeout. Idempotent: a retry after the rename finds it done.
   */
  String retireLegacyTable(Runbook runbook);

  /** Validates constraints left NOT VALID and ANALYZEs the target. */
  String auditTarget(Runbook runbook);

  /** After the last gate: drops the retired legacy table. */
  void dropRetiredTable(Runbook runbook);

  /** The name the legacy table is kept under until it is dropped. */
  static String retiredName(Runbook runbook) {
    String base = runbook.source().tableName().name();
    String suffix = "_retired";
    return (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
  }
}
