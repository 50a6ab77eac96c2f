package dev.cutover.reconcile;

import dev.cutover.runbook.Runbook;
import io.temporal.activity.ActivityInterface;
import java.util.List;

@ActivityInterface
public interface ReconcileActivities {
  /**
   * One pass over the whole key range: chunk hashes of the source projected through the mapping (cast to
   * the target's types) against the target, both read in one snapshot; mismatched chunks drilled down to
   * rows; with {@code repair}, those rows repaired source-wins under row locks. Heartbeats its cursor.
   */
  CycleResult reconcileCycle(Runbook runbook, boolean repair);

  record Mismatch(String key, String kind, String column, String sourceValue, String targetValue) {}

  /** {@code driftRatio} = mismatched rows / rows checked. */
  record CycleResult(long rowsChecked, long chunks, long mismatchedChunks, long mismatchedRows, long repaired,
      double driftRatio, long millis, List<Mismatch> samples) {
    public CycleResult {
      samples = samples == null ? List.of() : List.copyOf(samples);
    }
  }
}
