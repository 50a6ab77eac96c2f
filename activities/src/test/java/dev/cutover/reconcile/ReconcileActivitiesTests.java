package dev.cutover.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.backfill.BackfillActivities;
import dev.cutover.backfill.BackfillActivitiesImpl;
import dev.cutover.dualwrite.DualWriteActivitiesImpl;
import dev.cutover.reconcile.ReconcileActivities.CycleResult;
import dev.cutover.reconcile.ReconcileActivities.Mismatch;
import dev.cutover.runbook.Runbook;
import dev.cutover.testing.Activities;
import dev.cutover.testing.Customers;
import dev.cutover.testing.TestDatabase;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReconcileActivitiesTests {
  private TestDatabase db;
  private TestActivityEnvironment env;
  private ReconcileActivities reconcile;
  private final Runbook rb = Customers.runbook();

  @BeforeEach
  void setUp() {
    db = TestDatabase.create();
    Customers.create(db, 5_000);
    env = TestActivityEnvironment.newInstance();
    reconcile = Activities.stub(env, ReconcileActivities.class, new ReconcileActivitiesImpl(Activities.connections(db)));
    BackfillActivities backfill = Activities.stub(env, BackfillActivities.class,
        new BackfillActivitiesImpl(Activities.connections(db)));
    new DualWriteActivitiesImpl(Activities.connections(db)).installSyncTrigger(rb);
    for (BackfillActivities.Partition p : backfill.planBackfill(rb).partitions()) {
      backfill.copySlice(rb, p, null, 60_000);
    }
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aCleanCopyHasNoDrift() {
    CycleResult r = reconcile.reconcileCycle(rb, true);
    assertThat(r.rowsChecked()).isEqualTo(5_000);
    assertThat(r.chunks()).isEqualTo(3);
    assertThat(r.mismatchedRows()).isZero();
    assertThat(r.driftRatio()).isZero();
  }

  @Test
  void shouldFindMissingExtraAndStaleRowsWithSamplesAndRepairThemSourceWins() {
    db.execute("ALTER TABLE public.customers_v2 DISABLE TRIGGER USER",
        "DELETE FROM public.customers_v2 WHERE id IN (10, 4999)",
        "UPDATE public.customers_v2 SET balance_cents = balance_cents + 1 WHERE id = 2500",
        "INSERT INTO public.customers_v2 VALUES (9999, 'Ghost', NULL, NULL, 0, now())");
    CycleResult r = reconcile.reconcileCycle(rb, true);
    assertThat(r.mismatchedRows()).isEqualTo(4);
    assertThat(r.repaired()).isEqualTo(4);
    assertThat(r.driftRatio()).isEqualTo(4 / 5000.0);
    assertThat(r.samples()).extracting(Mismatch::key, Mismatch::kind)
        .contains(org.assertj.core.groups.Tuple.tuple("10", "missing"), org.assertj.core.groups.Tuple.tuple("4999", "missing"),
            org.assertj.core.groups.Tuple.tuple("2500", "differs"), org.assertj.core.groups.Tuple.tuple("9999", "extra"));
    Mismatch stale = r.samples().stream().filter(m -> m.key().equals("2500")).findFirst().orElseThrow();
    assertThat(stale.column()).isEqualTo("balance_cents");
    assertThat(Long.parseLong(stale.targetValue()) - Long.parseLong(stale.sourceValue())).isOne();
    assertThat(Customers.difference(db)).isZero();
    assertThat(reconcile.reconcileCycle(rb, true).mismatchedRows()).isZero();
  }

  @Test
  void withoutRepairItOnlyReports() {
    db.execute("DELETE FROM public.customers_v2 WHERE id = 10");
    assertThat(reconcile.reconcileCycle(rb, false).mismatchedRows()).isOne();
    assertThat(Customers.difference(db)).isOne();
  }
}
