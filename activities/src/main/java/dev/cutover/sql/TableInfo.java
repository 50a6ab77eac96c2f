package dev.cutover.sql;

import dev.cutover.runbook.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the catalog says about one table: columns with their types, unique keys, constraints, size. */
public record TableInfo(
    TableName name,
    long oid,
    Map<String, Column> columns,
    List<List<String>> uniqueKeys,
    List<String> constraints,
    double rowEstimate,
    long bytes) {

  /** {@code identity}: 'a' always, 'd' by default, '' none; {@code generated}: 's' stored, '' none. */
  public record Column(String name, String type, boolean notNull, boolean hasDefault, String identity,
      String generated) {}

  /** Empty when the table does not exist. */
  public static Optional<TableInfo> read(Connection c, TableName t) throws SQLException {
    Long oid = null;
    double estimate = 0;
    long bytes = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT c.oid, c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
      Sql.bind(ps, t.schema(), t.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          oid = rs.getLong(1);
          estimate = rs.getDouble(2);
          bytes = rs.getLong(3);
        }
      }
    }
    if (oid == null) {
      return Optional.empty();
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef,"
            + " a.attidentity::text, a.attgenerated::text FROM pg_attribute a"
            + " WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      Sql.bind(ps, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(rs.getString(1), new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3),
              rs.getBoolean(4), rs.getString(5), rs.getString(6)));
        }
      }
    }
    List<List<String>> unique = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i"
            + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            + " WHERE i.indrelid = ? AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
            + " AND i.indexprs IS NULL GROUP BY i.indexrelid, i.indisprimary ORDER BY i.indisprimary DESC")) {
      Sql.bind(ps, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          unique.add(List.of((String[]) rs.getArray(1).getArray()));
        }
      }
    }
    List<String> constraints = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT conname || ': ' || pg_get_constraintdef(oid) || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END"
            + " FROM pg_constraint WHERE conrelid = ? ORDER BY contype, conname")) {
      Sql.bind(ps, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          constraints.add(rs.getString(1));
        }
      }
    }
    return Optional.of(new TableInfo(t, oid, columns, unique, constraints, estimate, bytes));
  }

  public boolean hasUniqueKey(List<String> key) {
    return uniqueKeys.stream().anyMatch(u -> u.size() == key.size() && u.containsAll(key));
  }

  public String type(String column) {
    Column col = columns.get(column);
    if (col == null) {
      throw new IllegalArgumentException("no column " + column + " in " + name);
    }
    return col.type();
  }
}
