package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.decommission.DecommissionActivitiesImpl;
import dev.cutover.runbook.Runbook;
import dev.cutover.testing.Activities;
import dev.cutover.testing.Customers;
import dev.cutover.testing.TestDatabase;
import dev.cutover.writecutover.WriteCutoverActivitiesImpl;
import java.sql.Connection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyncTriggerTests {
  private TestDatabase db;
  private Runbook rb;
  private DualWriteActivitiesImpl dualWrite;
  private WriteCutoverActivitiesImpl writeCutover;

  @BeforeEach
  void setUp() {
    db = TestDatabase.create();
    Customers.create(db, 100);
    rb = Customers.runbook();
    dualWrite = new DualWriteActivitiesImpl(Activities.connections(db));
    writeCutover = new WriteCutoverActivitiesImpl(Activities.connections(db));
  }

  private long target(String where) {
    return db.count("SELECT count(*) FROM public.customers_v2 WHERE " + where);
  }

  @Test
  void shouldApplyInsertsUpdatesKeyChangesAndDeletesInTheWritersTransaction() throws Exception {
    dualWrite.installSyncTrigger(rb);
    db.execute("INSERT INTO public.customers (id, full_name, email, balance) VALUES (1000, 'Ada Lovelace', NULL, 12.34)");
    assertThat(target("id = 1000 AND first_name = 'Ada' AND last_name = 'Lovelace' AND balance_cents = 1234")).isOne();
    db.execute("UPDATE public.customers SET full_name = 'Ada King Lovelace', balance = 1 WHERE id = 1000");
    assertThat(target("id = 1000 AND last_name = 'King Lovelace' AND balance_cents = 100")).isOne();
    db.execute("UPDATE public.customers SET id = 2000 WHERE id = 1000");
    assertThat(target("id = 1000")).isZero();
    assertThat(target("id = 2000 AND first_name = 'Ada'")).isOne();
    db.execute("DELETE FROM public.customers WHERE id = 2000");
    assertThat(target("id = 2000")).isZero();
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      c.createStatement().execute("INSERT INTO public.customers (id, full_name) VALUES (3000, 'Rolled Back')");
      c.rollback();
    }
    assertThat(target("id = 3000")).as("a rolled-back write leaves no trace").isZero();
  }

  @Test
  void installingUnderALongTransactionNeverQueuesTheApplicationAndSucceedsOnceTheLockIsFree() throws Exception {
    try (Connection longTx = db.connect(); Connection app = db.connect()) {
      longTx.setAutoCommit(false);
      longTx.createStatement().execute("UPDATE public.customers SET balance = balance WHERE id = 1");
      java.util.concurrent.CompletableFuture<Long> install =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> dualWrite.installSyncTrigger(rb));
      Thread.sleep(300);
      long start = System.nanoTime();
      app.createStatement().execute("SET statement_timeout = '10s'");
      app.createStatement().execute("UPDATE public.customers SET balance = 1 WHERE id = 2");
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMillis).as("the application waited at most one lock_timeout behind cutover's DDL")
          .isLessThan(dev.cutover.sql.Sql.DDL_LOCK_TIMEOUT.toMillis() + 1_000);
      Thread.sleep(3_000);
      assertThat(install).as("cutover keeps backing off while the long transaction holds the table").isNotDone();
      longTx.commit();
      install.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    db.execute("UPDATE public.customers SET full_name = 'After Lock' WHERE id = 3");
    assertThat(target("id = 3 AND first_name = 'After'")).isOne();
  }

  @Test
  void removingTheSyncTriggerIsIdempotentAndLeavesNothingBehind() {
    dualWrite.installSyncTrigger(rb);
    dualWrite.installSyncTrigger(rb);
    assertThat(db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_%'")).isOne();
    dualWrite.removeSyncTrigger(rb);
    dualWrite.removeSyncTrigger(rb);
    assertThat(db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_%'")).isZero();
    assertThat(db.count("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        + " WHERE n.nspname = 'cutover'")).isZero();
    db.execute("INSERT INTO public.customers (id, full_name) VALUES (1000, 'After Removal')");
    assertThat(target("id = 1000")).isZero();
  }

  @Test
  void shouldSyncBothWaysAfterWriteCutoverWithoutPingPong() {
    dualWrite.installSyncTrigger(rb);
    db.execute("INSERT INTO public.customers_v2 SELECT id, split_part(full_name, ' ', 1),"
        + " nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), ''), email,"
        + " (balance * 100)::bigint, updated_at FROM public.customers");
    writeCutover.installReverseTrigger(rb);
    writeCutover.installReverseTrigger(rb);
    db.execute("UPDATE public.customers_v2 SET last_name = 'Hopper', balance_cents = 4200 WHERE id = 10");
    assertThat(db.count("SELECT count(*) FROM public.customers WHERE id = 10 AND full_name = 'First10 Hopper'"
        + " AND balance = 42.00")).isOne();
    db.execute("INSERT INTO public.customers_v2 VALUES (500, 'Grace', NULL, 'g@example.com', 1, now())");
    assertThat(db.count("SELECT count(*) FROM public.customers WHERE id = 500 AND full_name = 'Grace'")).isOne();
    db.execute("UPDATE public.customers_v2 SET id = 501 WHERE id = 500", "DELETE FROM public.customers_v2 WHERE id = 11");
    assertThat(db.count("SELECT count(*) FROM public.customers WHERE id IN (500, 11)")).isZero();
    assertThat(db.count("SELECT count(*) FROM public.customers WHERE id = 501")).isOne();
    assertThat(db.count("SELECT count(*) FROM cutover.legacy_writes")).as("synced writes are not direct writes").isZero();
    // an old application instance still writing the legacy table
    db.execute("UPDATE public.customers SET full_name = 'Old Writer' WHERE id = 12");
    assertThat(target("id = 12 AND first_name = 'Old' AND last_name = 'Writer'")).isOne();
    assertThat(db.count("SELECT count(*) FROM cutover.legacy_writes WHERE op = 'UPDATE'")).isOne();
    assertThat(Customers.difference(db)).isZero();
    writeCutover.removeReverseTrigger(rb);
    writeCutover.removeReverseTrigger(rb);
    db.execute("UPDATE public.customers_v2 SET last_name = 'Gone' WHERE id = 13");
    assertThat(db.count("SELECT count(*) FROM public.customers WHERE id = 13 AND full_name LIKE '% Gone'")).isZero();
  }

  @Test
  void shouldVerifyRecentWritesAndCatchThemWhenTheyDoNotArrive() {
    long since = dualWrite.installSyncTrigger(rb);
    db.execute("UPDATE public.customers SET balance = 7 WHERE id <= 20");
    DualWriteActivities.WriteCheck ok = verify(since);
    assertThat(ok.checked()).isEqualTo(20);
    assertThat(ok.mismatched()).isZero();
    db.execute("ALTER TABLE public.customers DISABLE TRIGGER USER", "UPDATE public.customers SET balance = 8 WHERE id <= 5",
        "ALTER TABLE public.customers ENABLE TRIGGER USER");
    DualWriteActivities.WriteCheck broken = verify(since);
    assertThat(broken.mismatched()).isEqualTo(5);
    assertThat(broken.samples()).isNotEmpty();
  }

  private DualWriteActivities.WriteCheck verify(long since) {
    return dualWrite.verifyRecentWrites(rb, since);
  }

  @Test
  void decommissionRefusesWhileTheLegacyTableIsWrittenDirectlyAndSaysWhatItSaw() throws Exception {
    dualWrite.installSyncTrigger(rb);
    writeCutover.installReverseTrigger(rb);
    DecommissionActivitiesImpl decommission = new DecommissionActivitiesImpl(Activities.connections(db));
    io.temporal.testing.TestActivityEnvironment env = io.temporal.testing.TestActivityEnvironment.newInstance();
    try {
      dev.cutover.decommission.DecommissionActivities stub =
          Activities.stub(env, dev.cutover.decommission.DecommissionActivities.class, decommission);
      Runbook watched = Customers.runbook(Customers.RUNBOOK.replace("quiet: 1s", "quiet: 4s"));
      Thread writer = new Thread(() -> {
        try {
          Thread.sleep(1500);
          db.execute("SET application_name = 'billing-v1'; DELETE FROM public.customers WHERE id = 3");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      writer.start();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.confirmNoLegacyWriters(watched))
          .satisfies(e -> assertThat(String.valueOf(e.getCause().getMessage()))
              .contains("public.customers is still written directly").contains("DELETE").contains("billing-v1"));
      writer.join();
      stub.confirmNoLegacyWriters(rb);
      assertThat(stub.retireLegacyTable(rb)).isEqualTo("public.customers_retired");
      assertThat(stub.retireLegacyTable(rb)).as("idempotent").isEqualTo("public.customers_retired");
      assertThat(db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_%'")).isZero();
      db.execute("INSERT INTO public.customers_v2 VALUES (900, 'After', NULL, NULL, 1, now())");
      assertThat(stub.auditTarget(rb)).contains("analyzed");
      stub.dropRetiredTable(rb);
      assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'customers_retired'")).isZero();
    } finally {
      env.close();
    }
  }
}
