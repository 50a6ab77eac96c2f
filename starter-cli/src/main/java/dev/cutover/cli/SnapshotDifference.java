package dev.cutover.cli;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.TableName;
import dev.cutover.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The demo's independent check: in ONE repeatable-read snapshot, the rows of the source projected through the
 * mapping (cast to the target's column types) that the target lacks, and the target rows the projection lacks.
 * Both are 0 exactly when the tables agree; the sync triggers keep them so transactionally, so the application
 * can keep writing while this runs.
 */
final class SnapshotDifference {
  record Result(long missingFromTarget, long extraInTarget, long sourceRows, long targetRows) {
    long total() {
      return missingFromTarget + extraInTarget;
    }
  }

  private SnapshotDifference() {}

  static Result measure(DataSource ds, Runbook rb) throws SQLException {
    TableName source = rb.source().tableName();
    TableName target = rb.target().tableName();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try {
        Map<String, String> types = columnTypes(c, target);
        List<String> projection = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (Map.Entry<String, String> m : rb.mapping().entrySet()) {
          String type = types.get(m.getKey());
          if (type == null) {
            throw new IllegalStateException(target + " has no column " + m.getKey());
          }
          projection.add("CAST((" + m.getValue() + ") AS " + type + ")");
          columns.add(Sql.ident(m.getKey()));
        }
        String projected = "SELECT " + String.join(", ", projection) + " FROM " + Sql.table(source);
        String stored = "SELECT " + columns.stream().collect(Collectors.joining(", ")) + " FROM " + Sql.table(target);
        String sql = "SELECT (SELECT count(*) FROM (" + projected + " EXCEPT ALL " + stored + ") AS missing),"
            + " (SELECT count(*) FROM (" + stored + " EXCEPT ALL " + projected + ") AS extra),"
            + " (SELECT count(*) FROM " + Sql.table(source) + "), (SELECT count(*) FROM " + Sql.table(target) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Result(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
      } finally {
        c.rollback();
      }
    }
  }

  private static Map<String, String> columnTypes(Connection c, TableName table) throws SQLException {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
        + " FROM pg_attribute a WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped")) {
      ps.setString(1, Sql.table(table));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }
}
