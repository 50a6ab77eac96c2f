package dev.cutover.baseline;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface BaselineActivities {
  /** Read-only checks of both tables and the mapping; never changes anything. */
  BaselineReport inspectTables(Runbook runbook);

  /** Expand: create the target from the mapping's types if it does not exist. True when it created it. */
  boolean createTarget(Runbook runbook);

  /**
   * Claims the source and target tables for this migration in {@code cutover.migrations}, so a second
   * migration of the same table fails with {@code TableBusy} even from another Temporal namespace.
   * {@code owner} is namespace/workflow id/run id; claiming again with the same owner is harmless.
   */
  void claimTables(Runbook runbook, String owner);

  /** Releases what {@link #claimTables} took with this owner; harmless to run twice. */
  void releaseTables(Runbook runbook, String owner);

  /** Compensation of {@link #createTarget}: drops the target only if this migration created it. */
  void dropCreatedTarget(Runbook runbook);
}
