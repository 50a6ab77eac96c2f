package dev.cutover.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.backfill.BackfillActivities.BackfillPlan;
import dev.cutover.backfill.BackfillActivities.Partition;
import dev.cutover.backfill.BackfillActivities.SliceResult;
import dev.cutover.dualwrite.DualWriteActivitiesImpl;
import dev.cutover.runbook.Runbook;
import dev.cutover.testing.Activities;
import dev.cutover.testing.Customers;
import dev.cutover.testing.TestDatabase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackfillActivitiesTests {
  private TestDatabase db;
  private TestActivityEnvironment env;
  private BackfillActivities backfill;

  @BeforeEach
  void setUp() {
    db = TestDatabase.create();
    env = TestActivityEnvironment.newInstance();
    backfill = Activities.stub(env, BackfillActivities.class, new BackfillActivitiesImpl(Activities.connections(db)));
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private SliceResult copyAll(Runbook rb) {
    BackfillPlan plan = backfill.planBackfill(rb);
    long rows = 0;
    SliceResult last = null;
    for (Partition p : plan.partitions()) {
      last = backfill.copySlice(rb, p, p.lower(), 60_000);
      assertThat(last.done()).isTrue();
      rows += last.rowsCopied();
    }
    return last == null ? null : new SliceResult(last.cursor(), rows, 0, true, 0);
  }

  @Test
  void shouldNotResurrectRowsDeletedDuringBackfill() throws Exception {
    Customers.create(db, 2_000);
    Runbook rb = Customers.runbook();
    new DualWriteActivitiesImpl(Activities.connections(db)).installSyncTrigger(rb);
    Partition whole = new Partition(0, null, List.of("2000"));
    try (Connection app = db.connect()) {
      app.setAutoCommit(false);
      app.createStatement().execute("DELETE FROM public.customers WHERE id = 500");
      CompletableFuture<SliceResult> copy = CompletableFuture.supplyAsync(
          () -> backfill.copySlice(rb, whole, null, 60_000));
      Thread.sleep(500);
      assertThat(copy).as("the chunk waits for the uncommitted delete's row lock").isNotDone();
      app.commit();
      assertThat(copy.get(30, TimeUnit.SECONDS).done()).isTrue();
    }
    assertThat(db.count("SELECT count(*) FROM public.customers_v2 WHERE id = 500")).isZero();
    assertThat(Customers.difference(db)).isZero();
  }

  @Test
  void plainInsertSelectResurrectsTheDeletedRowWhichIsWhyChunksLockTheirRows() throws Exception {
    Customers.create(db, 2_000);
    new DualWriteActivitiesImpl(Activities.connections(db)).installSyncTrigger(Customers.runbook());
    try (Connection app = db.connect(); Connection copier = db.connect()) {
      app.setAutoCommit(false);
      copier.setAutoCommit(false);
      // The copy's snapshot is taken before the delete commits and it takes no row lock.
      copier.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      copier.createStatement().executeQuery("SELECT 1").close();
      app.createStatement().execute("DELETE FROM public.customers WHERE id = 500");
      app.commit();
      copier.createStatement().execute("INSERT INTO public.customers_v2 SELECT id, split_part(full_name, ' ', 1),"
          + " nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), ''), email,"
          + " (balance * 100)::bigint, updated_at FROM public.customers ON CONFLICT (id) DO NOTHING");
      copier.commit();
    }
    assertThat(db.count("SELECT count(*) FROM public.customers_v2 WHERE id = 500")).as("resurrected").isOne();
    assertThat(Customers.difference(db)).isOne();
  }

  @Test
  void shouldSplitTheKeyRangeIntoDisjointPartitionsThatCoverEveryRow() {
    Customers.create(db, 10_000);
    db.execute("DELETE FROM public.customers WHERE id BETWEEN 2000 AND 7000");
    Runbook rb = Customers.runbook(Customers.RUNBOOK.replace("parallelism: 2", "parallelism: 4"));
    BackfillPlan plan = backfill.planBackfill(rb);
    assertThat(plan.partitions()).hasSizeBetween(2, 4);
    assertThat(plan.partitions().get(0).lower()).isNull();
    for (int i = 1; i < plan.partitions().size(); i++) {
      assertThat(plan.partitions().get(i).lower()).isEqualTo(plan.partitions().get(i - 1).upper());
    }
    assertThat(copyAll(rb).rowsCopied()).isEqualTo(4_999);
    assertThat(Customers.difference(db)).isZero();
  }

  @Test
  void shouldResumeFromTheHeartbeatedCursorInsteadOfStartingOver() {
    Customers.create(db, 3_000);
    Runbook rb = Customers.runbook();
    Partition whole = new Partition(0, null, List.of("3000"));
    env.setHeartbeatDetails(new BackfillActivitiesImpl.SliceProgress(List.of("2000"), 2000, 2, 1000));
    SliceResult r = backfill.copySlice(rb, whole, null, 60_000);
    assertThat(r.done()).isTrue();
    assertThat(db.count("SELECT min(id) FROM public.customers_v2")).isEqualTo(2001);
    assertThat(db.count("SELECT count(*) FROM public.customers_v2")).isEqualTo(1000);
    assertThat(r.rowsCopied()).as("rows of the attempt before the crash count too").isEqualTo(3000);
  }

  @Test
  void shouldFailLoudlyWithTheKeyWhenAStricterTargetConstraintRejectsARow() {
    Customers.create(db, 100);
    db.execute("UPDATE public.customers SET email = 'same@example.com' WHERE id IN (40, 41)",
        "CREATE UNIQUE INDEX customers_v2_email ON public.customers_v2 (email)");
    Runbook rb = Customers.runbook();
    Partition whole = backfill.planBackfill(rb).partitions().get(0);
    assertThatThrownBy(() -> backfill.copySlice(rb, whole, null, 60_000))
        .isInstanceOf(ActivityFailure.class)
        .cause().isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo("ConstraintViolation");
          assertThat(f.getOriginalMessage()).contains("customers_v2_email").contains("same@example.com");
        });
    assertThat(db.count("SELECT count(*) FROM public.customers_v2")).as("the failed chunk left nothing").isZero();
  }

  @Test
  void shouldCopyCompositeKeysAndIdentityColumnsAndMoveSequencesPastThem() {
    db.execute("CREATE TABLE public.orders (tenant int, id int, note text, PRIMARY KEY (tenant, id))",
        "INSERT INTO public.orders SELECT g % 7, g, 'n' || g FROM generate_series(1, 5000) g",
        "CREATE TABLE public.orders_v2 (tenant int, id int GENERATED ALWAYS AS IDENTITY, note text,"
            + " PRIMARY KEY (tenant, id))");
    Runbook rb = Customers.runbook("""
        name: orders-v2
        source: {table: public.orders, key: [tenant, id]}
        target: {table: public.orders_v2}
        mapping: {tenant: tenant, id: id, note: upper(note)}
        backfill: {chunkRows: 300, parallelism: 3}
        """);
    assertThat(copyAll(rb).rowsCopied()).isEqualTo(5000);
    assertThat(db.count("SELECT count(*) FROM (SELECT tenant, id, upper(note) FROM public.orders"
        + " EXCEPT SELECT tenant, id, note FROM public.orders_v2) d")).isZero();
    assertThat(backfill.finishBackfill(rb)).isEqualTo(1);
    assertThat(db.count("SELECT nextval(pg_get_serial_sequence('public.orders_v2', 'id'))")).isGreaterThan(5000);
  }
}
