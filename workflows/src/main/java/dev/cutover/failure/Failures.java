package dev.cutover.failure;

import java.util.List;

/**
 * The failure taxonomy in one place. These types are non-retryable: retrying cannot fix them, a person
 * must. Everything else (lock timeouts, lost connections, serialization failures) stays retryable.
 */
public final class Failures {
  /** The runbook does not hold up (bad field, unknown column, expression that does not compile). */
  public static final String INVALID_RUNBOOK = "InvalidRunbook";
  /** A table, column or connection the runbook names does not exist. */
  public static final String MISSING_OBJECT = "MissingObject";
  /** The mapping does not cast cleanly to the target's types on real rows. */
  public static final String INCOMPATIBLE_TYPES = "IncompatibleTypes";
  /** Baseline found something that must be fixed before anything is installed. */
  public static final String BASELINE_BLOCKED = "BaselineBlocked";
  /** A row violates a constraint of the target other than its key; the copy refuses to drop it. */
  public static final String CONSTRAINT_VIOLATION = "ConstraintViolation";
  /** Another migration holds this table. */
  public static final String TABLE_BUSY = "TableBusy";
  /** Decommission saw writes that still land directly on the legacy table. */
  public static final String LEGACY_STILL_WRITTEN = "LegacyStillWritten";
  /** Dual write was installed but recent source writes did not reach the target. */
  public static final String DUAL_WRITE_BROKEN = "DualWriteBroken";

  public static final List<String> NON_RETRYABLE = List.of(
      INVALID_RUNBOOK, MISSING_OBJECT, INCOMPATIBLE_TYPES, BASELINE_BLOCKED, CONSTRAINT_VIOLATION,
      TABLE_BUSY, LEGACY_STILL_WRITTEN, DUAL_WRITE_BROKEN);

  private Failures() {}
}
