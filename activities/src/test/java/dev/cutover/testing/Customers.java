package dev.cutover.testing;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The customers -> customers_v2 fixture: split a full name, move money to cents. */
public final class Customers {
  private Customers() {}

  public static final String RUNBOOK = """
      name: customers-v2
      source: {connection: primary, table: public.customers, key: id, version: updated_at}
      target: {connection: primary, table: public.customers_v2}
      mapping:
        id: id
        first_name: split_part(full_name, ' ', 1)
        last_name: nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')
        email: email
        balance_cents: (balance * 100)::bigint
        updated_at: updated_at
      reverse:
        id: id
        full_name: first_name || coalesce(' ' || last_name, '')
        email: email
        balance: balance_cents / 100.0
        updated_at: updated_at
      backfill: {chunkRows: 1000, parallelism: 2}
      reconcile: {chunkRows: 2000, cleanCycles: 2, interval: 1s, maxDriftRatio: 0}
      readCutover: {steps: [10, 100], soak: 1s}
      gates: {approvers: [alice, bob], twoPersonRule: true}
      decommission: {retain: 1s, quiet: 1s}
      """;

  public static Runbook runbook() {
    return RunbookLoader.parse("customers-v2.yaml", RUNBOOK);
  }

  public static Runbook runbook(String yaml) {
    return RunbookLoader.parse("test.yaml", yaml);
  }

  /** Creates both tables and fills the legacy one with {@code rows} rows (some NULL emails, some TOASTed names). */
  public static void create(TestDatabase db, int rows) {
    db.execute(
        "CREATE SEQUENCE public.customer_ids",
        "CREATE TABLE public.customers (id bigint PRIMARY KEY DEFAULT nextval('public.customer_ids'),"
            + " full_name text NOT NULL, email text, balance numeric(12,2) NOT NULL DEFAULT 0,"
            + " updated_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE public.customers_v2 (id bigint PRIMARY KEY, first_name text NOT NULL, last_name text,"
            + " email text, balance_cents bigint NOT NULL, updated_at timestamptz NOT NULL)",
        "INSERT INTO public.customers (full_name, email, balance)"
            + " SELECT 'First' || g || CASE WHEN g % 7 = 0 THEN '' WHEN g % 11 = 0 THEN ' Van Der ' || g"
            + " WHEN g % 97 = 0 THEN ' ' || repeat('long', 2000) ELSE ' Last' || g END,"
            + " CASE WHEN g % 5 = 0 THEN NULL ELSE 'c' || g || '@example.com' END,"
            + " round((g % 100000) / 7.0, 2) FROM generate_series(1, " + rows + ") g",
        "ANALYZE public.customers");
  }

  /**
   * Rows that differ between the target and the source projected through the mapping, both directions,
   * read in one snapshot: 0 means nothing missing, extra, stale or resurrected.
   */
  public static long difference(TestDatabase db) {
    return difference(db, "public.customers");
  }

  public static long difference(TestDatabase db, String legacyTable) {
    String projected = "SELECT id, split_part(full_name, ' ', 1)::text,"
        + " nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')::text, email,"
        + " (balance * 100)::bigint, updated_at FROM " + legacyTable;
    String target = "SELECT id, first_name, last_name, email, balance_cents, updated_at FROM public.customers_v2";
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM (" + projected + " EXCEPT " + target + ") a),"
              + " (SELECT count(*) FROM (" + target + " EXCEPT " + projected + ") b)")) {
        rs.next();
        long d = rs.getLong(1) + rs.getLong(2);
        c.commit();
        return d;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static long maxId(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT last_value FROM public.customer_ids");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
