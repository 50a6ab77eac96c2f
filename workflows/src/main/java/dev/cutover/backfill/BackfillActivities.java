package dev.cutover.backfill;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;
import java.util.List;

@ActivityInterface
public interface BackfillActivities {
  /**
   * Fixes the key range at start (rows inserted later reach the target through the sync trigger) and
   * splits it into {@code parallelism} partitions at sampled key quantiles. Keys travel as text.
   */
  BackfillPlan planBackfill(Runbook runbook);

  /**
   * Copies chunks of one partition from {@code cursor} (exclusive; null = the partition's start) for at
   * most {@code maxMillis}, each chunk one short transaction that locks its source rows. Heartbeats the
   * cursor; a retry resumes from the last heartbeat.
   */
  SliceResult copySlice(Runbook runbook, Partition partition, List<String> cursor, long maxMillis);

  /** Sets the target's sequences past the copied keys, so inserts after write cutover do not collide. */
  int finishBackfill(Runbook runbook);

  /** Compensation when {@code rollback.truncateTarget}: empties the target. */
  void truncateTarget(Runbook runbook);

  /** Keys are (lower, upper]; a null lower is the start of the table. */
  record Partition(int index, List<String> lower, List<String> upper) {}

  record BackfillPlan(List<Partition> partitions, long estimatedRows) {
    public BackfillPlan {
      partitions = List.copyOf(partitions);
    }
  }

  record SliceResult(List<String> cursor, long rowsCopied, long chunks, boolean done, long millis) {}
}
