package dev.cutover.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationWorkflow;
import dev.cutover.testing.Customers;
import dev.cutover.testing.LiveWriter;
import dev.cutover.testing.TemporalHarness;
import dev.cutover.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whole migrations through Temporal and real SQL on real PostgreSQL, under a concurrent application. */
class MigrationLifecycleTests {
  private static final Logger log = LoggerFactory.getLogger(MigrationLifecycleTests.class);

  @Test
  void shouldMigrateUnderLiveLoadWithZeroDifference() throws Exception {
    TestDatabase db = TestDatabase.create();
    Customers.create(db, 20_000);
    List<String> checks = new ArrayList<>();
    try (TemporalHarness temporal = new TemporalHarness(db);
        LiveWriter app = new LiveWriter(db, 4, 180_000).start()) {
      MigrationWorkflow migration = temporal.start(Customers.runbook(), "alice");
      MigrationStatus status;
      while (!(status = migration.status()).ended()) {
        String gate = status.pendingGate();
        if (gate == null) {
          Thread.sleep(100);
          continue;
        }
        app.awaitOps(200);
        switch (gate) {
          case "read-cutover" -> {
            // Backfill and reconcile are done: the target must already equal the source, under load.
            checks.add("after reconcile: " + Customers.difference(db));
            assertThat(Customers.difference(db)).as("difference after reconcile").isZero();
            assertThat(status.reconcile().mismatchedRows()).as("reconcile found nothing to repair").isZero();
            assertThat(status.reconcile().cycle()).as("every cycle was clean").isEqualTo(2);
          }
          case "decommission" -> {
            assertThat(db.count("SELECT value FROM cutover.flags WHERE name = 'write_target'")).isEqualTo(1);
            app.writeNewTable(true);
            app.awaitOps(300);
            checks.add("writes on the new table: " + Customers.difference(db));
            assertThat(Customers.difference(db)).as("difference with writes on the new table").isZero();
          }
          default -> { }
        }
        migration.approve(new MigrationWorkflow.Approve(gate, "bob", "checked " + gate));
      }
      log.info("live load: {} operations {}, checks {}", app.total(), app.counts(), checks);
      assertThat(app.errors()).isEmpty();
      assertThat(status.state()).as(status.failure()).isEqualTo(MigrationStatus.State.COMPLETED);
      assertThat(status.approvals()).extracting(MigrationStatus.Approval::gate).containsSubsequence(
          "dual-write", "read-cutover", "read-cutover-100", "write-cutover", "decommission", "drop-legacy");
      assertThat(status.progress().done()).isGreaterThanOrEqualTo(20_000);
      assertThat(app.total()).isGreaterThan(1000);
      assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename IN ('customers', 'customers_retired')"))
          .as("legacy table renamed, then dropped").isZero();
      assertThat(db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_%'")).isZero();
    }
  }
}
