package dev.cutover.writecutover;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface WriteCutoverActivities {
  /**
   * Installs the reverse sync trigger (target -> legacy through the reverse mapping) and the statement
   * trigger that records direct writes to the legacy table; both syncs skip rows the other is applying,
   * so nothing ping-pongs.
   */
  void installReverseTrigger(Runbook runbook);

  /** Compensation: drops the reverse trigger and the direct-write recorder; forward sync stays. */
  void removeReverseTrigger(Runbook runbook);
}
