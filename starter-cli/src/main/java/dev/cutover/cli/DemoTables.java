package dev.cutover.cli;

import dev.cutover.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The demo's legacy table {@code customers} and its empty successor {@code customers_v2}. Ids come
 * from a standalone sequence, not one the legacy table owns, so new rows keep getting ids after decommission
 * retires the legacy table.
 */
final class DemoTables {
  /** First names never contain a space, so split_part(full_name, ' ', 1) recovers them. */
  static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret",
      "Niklaus", "Radia", "John", "Leslie", "Sophie", "Tim", "Katherine", "Dennis", "Shafi", "Tony", "Hedy"};
  /** Some last names have several words: the mapping must keep everything after the first space. */
  static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson",
      "Hamilton", "Wirth", "Perlman", "McCarthy", "Lamport", "Wilson", "Berners-Lee", "Johnson", "Ritchie",
      "Goldwasser", "Hoare", "Lamarr", "van der Berg", "de la Cruz", "Ní Bhriain", "von Neumann", "da Silva Santos"};

  private DemoTables() {}

  /** {@code schema.customers} with {@code rows} rows, an empty {@code schema.customers_v2}, {@code schema.customer_ids}. */
  static void create(DataSource ds, String schema, int rows) throws SQLException {
    String s = Sql.ident(schema);
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + s);
      st.execute("DROP TABLE IF EXISTS " + s + ".customers_v2, " + s + ".customers");
      st.execute("DROP SEQUENCE IF EXISTS " + s + ".customer_ids");
      st.execute("CREATE SEQUENCE " + s + ".customer_ids");
      st.execute("CREATE TABLE " + s + ".customers ("
          + " id bigint PRIMARY KEY DEFAULT nextval('" + s + ".customer_ids'),"
          + " full_name text NOT NULL,"
          + " email text,"
          + " balance numeric(12,2) NOT NULL,"
          + " updated_at timestamptz NOT NULL DEFAULT now())");
      st.execute("CREATE TABLE " + s + ".customers_v2 ("
          + " id bigint PRIMARY KEY,"
          + " first_name text NOT NULL,"
          + " last_name text,"
          + " email text,"
          + " balance_cents bigint NOT NULL,"
          + " updated_at timestamptz NOT NULL)");
      // One in twenty has a single name, one in ten no email; the multiplications spread the name choices.
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + s + ".customers (full_name, email, balance,"
          + " updated_at)"
          + " SELECT CASE WHEN g % 20 = 0 THEN f ELSE f || ' ' || l END,"
          + "        CASE WHEN g % 10 = 3 THEN NULL ELSE lower(f) || '.' || g || '@example.com' END,"
          + "        round((random() * 10000)::numeric, 2),"
          + "        now() - random() * interval '365 days'"
          + " FROM generate_series(1::bigint, ?) AS g,"
          + "      LATERAL (SELECT (?::text[])[(1 + (g * 7919) % ?)::int] AS f,"
          + "                      (?::text[])[(1 + (g * 104729) % ?)::int] AS l) AS n"
          + " ORDER BY g")) {
        ps.setInt(1, rows);
        ps.setArray(2, c.createArrayOf("text", FIRST));
        ps.setInt(3, FIRST.length);
        ps.setArray(4, c.createArrayOf("text", LAST));
        ps.setInt(5, LAST.length);
        ps.executeUpdate();
      }
      st.execute("ANALYZE " + s + ".customers");
    }
  }
}
