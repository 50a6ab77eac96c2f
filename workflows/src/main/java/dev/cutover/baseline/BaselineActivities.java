package dev.cutover.baseline;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface BaselineActivities {
  /** Read-only checks of both tables and the mapping; never changes anything. */
  BaselineReport inspectTables(Runbook runbook);

  /** Expand: create the target from the mapping's types if it does not exist. True when it created it. */
  boolean createTarget(Runbook runbook);

  /** Compensation of {@link #createTarget}: drops the target only if this migration created it. */
  void dropCreatedTarget(Runbook runbook);
}
