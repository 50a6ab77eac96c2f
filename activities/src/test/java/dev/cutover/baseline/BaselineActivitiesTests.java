package dev.cutover.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.baseline.BaselineReport.Finding;
import dev.cutover.baseline.BaselineReport.Severity;
import dev.cutover.runbook.Runbook;
import dev.cutover.testing.Activities;
import dev.cutover.testing.Customers;
import dev.cutover.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BaselineActivitiesTests {
  private TestDatabase db;
  private BaselineActivitiesImpl baseline;

  @BeforeEach
  void setUp() {
    db = TestDatabase.create();
    baseline = new BaselineActivitiesImpl(Activities.connections(db));
  }

  private static java.util.List<String> blocking(BaselineReport r) {
    return r.blocking().stream().map(Finding::message).toList();
  }

  @Test
  void aSoundMigrationHasNoBlockingFindings() {
    Customers.create(db, 1_500);
    BaselineReport r = baseline.inspectTables(Customers.runbook());
    assertThat(r.blocking()).isEmpty();
    assertThat(r.sampledRows()).isEqualTo(1000);
    assertThat(r.sourceRowEstimate()).isEqualTo(1_500);
    assertThat(r.findings()).extracting(Finding::check).contains("connection headroom", "size");
  }

  @Test
  void shouldRefuseATableWithoutAUsableKeyAndNameTheKnob() {
    db.execute("CREATE TABLE public.customers (id bigint, full_name text, email text, balance numeric, updated_at timestamptz)",
        "CREATE TABLE public.customers_v2 (id bigint, first_name text, last_name text, email text,"
            + " balance_cents bigint, updated_at timestamptz)");
    assertThat(blocking(baseline.inspectTables(Customers.runbook()))).anySatisfy(m -> assertThat(m)
        .contains("public.customers has no primary key or unique index on (id)").contains("source.key"))
        .anySatisfy(m -> assertThat(m).contains("public.customers_v2 has no primary key").contains("PRIMARY KEY (id)"));
  }

  @Test
  void shouldNameMissingTablesAndColumns() {
    assertThat(blocking(baseline.inspectTables(Customers.runbook())))
        .anySatisfy(m -> assertThat(m).contains("source table public.customers does not exist"));
    Customers.create(db, 10);
    db.execute("ALTER TABLE public.customers_v2 DROP COLUMN email");
    assertThat(blocking(baseline.inspectTables(Customers.runbook())))
        .containsExactly("mapping names column email, which public.customers_v2 does not have");
  }

  @Test
  void shouldNameTheColumnAndFirstKeyWhereTheMappingDoesNotCast() {
    Customers.create(db, 100);
    db.execute("ALTER TABLE public.customers ADD COLUMN code text", "UPDATE public.customers SET code = id::text",
        "UPDATE public.customers SET code = 'n/a' WHERE id = 37",
        "ALTER TABLE public.customers_v2 ADD COLUMN code integer");
    Runbook rb = Customers.runbook(Customers.RUNBOOK.replace("  updated_at: updated_at\nreverse:",
        "  updated_at: updated_at\n  code: code\nreverse:"));
    assertThat(blocking(baseline.inspectTables(rb))).singleElement().satisfies(m -> assertThat(m)
        .contains("mapping of code").contains("first at key 37").contains("SQLSTATE 22P02"));
  }

  @Test
  void shouldRefuseAGeneratedOrUnmappedRequiredTargetColumn() {
    Customers.create(db, 10);
    db.execute("ALTER TABLE public.customers_v2 ADD COLUMN region text NOT NULL");
    assertThat(blocking(baseline.inspectTables(Customers.runbook())))
        .anySatisfy(m -> assertThat(m).contains("column region of public.customers_v2 is NOT NULL without a default"));
  }

  @Test
  void aTableHeldByOneMigrationIsRefusedToAnotherEvenFromAnotherNamespace() {
    Customers.create(db, 10);
    Runbook rb = Customers.runbook();
    baseline.claimTables(rb, "default/customers-v2/run-1");
    baseline.claimTables(rb, "default/customers-v2/run-1");
    Runbook other = Customers.runbook(Customers.RUNBOOK.replace("name: customers-v2", "name: customers-v3")
        .replace("public.customers_v2", "public.customers_v3"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> baseline.claimTables(other, "default/customers-v3/run-9"))
        .isInstanceOfSatisfying(io.temporal.failure.ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo("TableBusy");
          assertThat(f.getOriginalMessage()).contains("table public.customers is held by migration customers-v2");
        });
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> baseline.claimTables(rb, "staging/customers-v2/run-2"))
        .hasMessageContaining("held by migration customers-v2 (default/customers-v2/run-1");
    assertThat(db.count("SELECT count(*) FROM cutover.migrations WHERE table_name = 'customers_v3'"))
        .as("a refused claim takes nothing").isZero();
    baseline.releaseTables(rb, "default/customers-v2/run-1");
    baseline.releaseTables(rb, "default/customers-v2/run-1");
    baseline.claimTables(other, "default/customers-v3/run-9");
  }

  @Test
  void expandCreatesTheTargetOnceAndItsCompensationDropsOnlyWhatItCreated() {
    Customers.create(db, 10);
    db.execute("DROP TABLE public.customers_v2");
    Runbook rb = Customers.runbook(Customers.RUNBOOK.replace("table: public.customers_v2}",
        "table: public.customers_v2, create: true}"));
    assertThat(baseline.createTarget(rb)).isTrue();
    assertThat(baseline.createTarget(rb)).isFalse();
    assertThat(baseline.inspectTables(rb).blocking()).isEmpty();
    baseline.dropCreatedTarget(rb);
    baseline.dropCreatedTarget(rb);
    assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'customers_v2'")).isZero();
    db.execute("CREATE TABLE public.customers_v2 (id bigint PRIMARY KEY)");
    baseline.dropCreatedTarget(rb);
    assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'customers_v2'"))
        .as("a table cutover did not create is never dropped").isOne();
    assertThat(baseline.inspectTables(rb).findings()).extracting(Finding::severity).contains(Severity.BLOCKING);
  }
}
