package dev.cutover.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationWorkflow;
import dev.cutover.runbook.Runbook;
import dev.cutover.testing.Customers;
import dev.cutover.testing.LiveWriter;
import dev.cutover.testing.TemporalHarness;
import dev.cutover.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whole migrations through Temporal and the real activities on real PostgreSQL, under a concurrent
 * application; pgroll's lifecycle in spirit: start, check sync both ways, abort, check clean, start
 * again, complete, check.
 */
class MigrationLifecycleTests {
  private static final Logger log = LoggerFactory.getLogger(MigrationLifecycleTests.class);

  /** Approves every gate as bob until {@code stopAt} is pending (null: until the migration ends). */
  private static MigrationStatus drive(MigrationWorkflow migration, LiveWriter app, TestDatabase db, String stopAt,
      List<String> checks) throws InterruptedException {
    MigrationStatus status;
    while (!(status = migration.status()).ended()) {
      String gate = status.pendingGate();
      if (gate == null) {
        Thread.sleep(100);
        continue;
      }
      app.awaitOps(200);
      if (gate.equals("read-cutover")) {
        // Backfill and reconcile are done: the target must equal the source, under load.
        long d = Customers.difference(db);
        checks.add("after reconcile: " + d);
        assertThat(d).as("difference after reconcile").isZero();
      }
      if (gate.equals("decommission")) {
        waitUntil(app::writesNewTable);
        app.awaitOps(300);
        long d = Customers.difference(db);
        checks.add("writes on the new table: " + d);
        assertThat(d).as("difference with writes on the new table").isZero();
      }
      if (gate.equals(stopAt)) {
        return status;
      }
      migration.approve(new MigrationWorkflow.Approve(gate, "bob", "checked " + gate));
    }
    return status;
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("condition not met in 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void shouldMigrateUnderLiveLoadWithZeroDifference() throws Exception {
    TestDatabase db = TestDatabase.create();
    Customers.create(db, 20_000);
    List<String> checks = new ArrayList<>();
    try (TemporalHarness temporal = new TemporalHarness(db);
        LiveWriter app = new LiveWriter(db, 4, 180_000).start().followFlags()) {
      MigrationWorkflow migration = temporal.start(Customers.runbook(), "alice");
      MigrationStatus status = drive(migration, app, db, null, checks);
      log.info("live load: {} operations {}, checks {}", app.total(), app.counts(), checks);
      assertThat(app.errors()).isEmpty();
      assertThat(status.state()).as(status.failure()).isEqualTo(MigrationStatus.State.COMPLETED);
      assertThat(checks).hasSize(2);
      assertThat(status.reconcile().mismatchedRows()).as("reconcile found nothing to repair").isZero();
      assertThat(status.reconcile().cycle()).as("every cycle was clean").isEqualTo(2);
      assertThat(status.approvals()).extracting(MigrationStatus.Approval::gate).containsSubsequence(
          "dual-write", "read-cutover", "read-cutover-100", "write-cutover", "decommission", "drop-legacy");
      assertThat(status.progress().done()).isGreaterThanOrEqualTo(20_000);
      assertThat(app.total()).isGreaterThan(1000);
      assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename IN ('customers', 'customers_retired')"))
          .as("legacy table renamed, then dropped").isZero();
      assertThat(db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_%'")).isZero();
      assertThat(db.count("SELECT count(*) FROM cutover.migrations")).as("tables released").isZero();
    }
  }

  @Test
  void shouldRetryLostConnectionsWithoutDoubleApplyingAnything() throws Exception {
    TestDatabase db = TestDatabase.create();
    Customers.create(db, 20_000);
    Runbook rb = Customers.runbook(Customers.RUNBOOK.replace("backfill: {chunkRows: 1000, parallelism: 2}",
        "backfill: {chunkRows: 500, parallelism: 2, maxRowsPerSecond: 4000}"));
    List<String> checks = new ArrayList<>();
    java.util.concurrent.atomic.AtomicLong terminated = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread killer = new Thread(() -> {
      while (!stop.get()) {
        // every cutover connection dies mid-statement, as a failover or a proxy restart would do
        terminated.addAndGet(db.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = 'cutover-worker' AND pid <> pg_backend_pid()) t"));
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    try (TemporalHarness temporal = new TemporalHarness(db);
        LiveWriter app = new LiveWriter(db, 2, 300_000).start().followFlags()) {
      killer.start();
      MigrationStatus status = drive(temporal.start(rb, "alice"), app, db, null, checks);
      stop.set(true);
      killer.join();
      log.info("lost connections: {} backends terminated, {} operations, checks {}", terminated.get(), app.total(), checks);
      assertThat(status.state()).as(status.failure()).isEqualTo(MigrationStatus.State.COMPLETED);
      assertThat(terminated.get()).as("connections were really lost").isGreaterThan(10);
      assertThat(checks).containsExactly("after reconcile: 0", "writes on the new table: 0");
    } finally {
      stop.set(true);
    }
  }

  @Test
  void shouldAbortAfterWriteCutoverWithNothingLostThenStartAgainAndComplete() throws Exception {
    TestDatabase db = TestDatabase.create();
    Customers.create(db, 10_000);
    Runbook rb = Customers.runbook();
    List<String> checks = new ArrayList<>();
    try (TemporalHarness temporal = new TemporalHarness(db);
        LiveWriter app = new LiveWriter(db, 4, 240_000).start().followFlags()) {
      MigrationWorkflow first = temporal.start(rb, "alice");
      drive(first, app, db, "decommission", checks);
      assertThat(app.writesNewTable()).isTrue();

      app.pause();
      first.abort(new MigrationWorkflow.Abort("bob", "rehearsing the rollback"));
      waitUntil(() -> first.status().ended());
      MigrationStatus aborted = first.status();
      assertThat(aborted.state()).isEqualTo(MigrationStatus.State.ROLLED_BACK);
      assertThat(aborted.compensations()).containsExactly("set write_target=0 and drop the reverse trigger",
          "set read_percent=0", "drop the sync trigger and set dual_write=0", "release the tables");
      assertThat(db.count("SELECT count(*) FROM cutover.migrations")).as("tables released").isZero();
      assertThat(Customers.difference(db)).as("every write that landed on the new table reached the legacy one").isZero();
      assertThat(db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_%'")).isZero();
      assertThat(db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
          + " WHERE n.nspname = 'cutover'")).isZero();
      assertThat(db.count("SELECT count(*) FROM cutover.flags WHERE value <> 0")).as("flags back to legacy").isZero();

      app.resume();
      waitUntil(() -> !app.writesNewTable());
      long legacyBefore = db.count("SELECT count(*) FROM public.customers WHERE updated_at > now() - interval '1 hour'");
      app.awaitOps(500);
      assertThat(db.count("SELECT max(id) FROM public.customers")).as("the legacy table is written again")
          .isGreaterThan(0);
      assertThat(app.counts()).containsKey("insert");
      log.info("after rollback: legacy rows touched {} -> ops {}", legacyBefore, app.counts());

      MigrationWorkflow second = temporal.start(rb, "alice");
      MigrationStatus done = drive(second, app, db, null, checks);
      assertThat(done.state()).as(done.failure()).isEqualTo(MigrationStatus.State.COMPLETED);
      log.info("abort and restart: {} operations {}, checks {}", app.total(), app.counts(), checks);
      assertThat(app.errors()).isEmpty();
      assertThat(checks).containsOnly("after reconcile: 0", "writes on the new table: 0");
    }
  }
}
