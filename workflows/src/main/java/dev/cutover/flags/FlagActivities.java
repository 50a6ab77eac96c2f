package dev.cutover.flags;

import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface FlagActivities {
  /** Idempotent upsert of one flag row; recorded with who changed it. */
  void setFlag(FlagChange change);

  record FlagChange(String connection, String migration, Flag flag, int value, String by) {}
}
