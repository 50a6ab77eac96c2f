package dev.cutover.migration;

import dev.cutover.runbook.Runbook;

/** The example runbook with one section swapped, for the options a test is about. */
final class Runbooks {
  private Runbooks() {}

  static Runbook withGates(Runbook rb, Runbook.Gates gates) {
    return new Runbook(rb.name(), rb.source(), rb.target(), rb.mapping(), rb.reverse(), rb.dualWrite(), rb.backfill(),
        rb.reconcile(), rb.readCutover(), gates, rb.decommission(), rb.rollback());
  }

  static Runbook withRollback(Runbook rb, Runbook.Rollback rollback) {
    return new Runbook(rb.name(), rb.source(), rb.target(), rb.mapping(), rb.reverse(), rb.dualWrite(), rb.backfill(),
        rb.reconcile(), rb.readCutover(), rb.gates(), rb.decommission(), rollback);
  }

  static Runbook withTarget(Runbook rb, Runbook.Target target) {
    return new Runbook(rb.name(), rb.source(), target, rb.mapping(), rb.reverse(), rb.dualWrite(), rb.backfill(),
        rb.reconcile(), rb.readCutover(), rb.gates(), rb.decommission(), rb.rollback());
  }
}
