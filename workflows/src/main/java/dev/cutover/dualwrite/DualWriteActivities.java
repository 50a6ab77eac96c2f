package dev.cutover.dualwrite;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;
import java.util.List;

@ActivityInterface
public interface DualWriteActivities {
  /**
   * Installs the forward sync trigger (source -> target through the mapping) in one short transaction
   * under lock_timeout; {@code CREATE OR REPLACE}, so a retry lands on the same objects. Returns the
   * horizon for {@link #verifyRecentWrites}: the newest transaction id that may have written without the
   * trigger (read after it committed); every later transaction writes through it.
   */
  long installSyncTrigger(Runbook runbook);

  /** Compensation: drops every trigger and function this migration installed; harmless to run twice. */
  void removeSyncTrigger(Runbook runbook);

  /** Checks that source rows written after {@code sinceXid} reached the target as the mapping says. */
  WriteCheck verifyRecentWrites(Runbook runbook, long sinceXid);

  record WriteCheck(long checked, long mismatched, List<String> samples) {}
}
