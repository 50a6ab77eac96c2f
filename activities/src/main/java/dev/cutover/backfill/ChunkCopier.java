package dev.cutover.backfill;

import dev.cutover.sql.MappingSql;
import dev.cutover.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies one keyset chunk in one statement. The source rows are locked {@code FOR SHARE}, so a concurrent
 * delete or key change waits for the chunk instead of racing it (a plain INSERT ... SELECT takes no row
 * locks and resurrects a row deleted mid-copy). {@code ON CONFLICT (key) DO NOTHING}: a row already in the
 * target came from the sync trigger, which is at least as new; any other unique violation fails loudly
 * with its key instead of dropping the row.
 */
final class ChunkCopier {
  private final MappingSql m;
  private final List<String> upper;
  private final String withLower;
  private final String fromStart;

  record Chunk(long rows, long inserted, List<String> last) {}

  ChunkCopier(MappingSql m, List<String> upper) {
    this.m = m;
    this.upper = upper;
    this.withLower = sql(true);
    this.fromStart = sql(false);
  }

  private String sql(boolean hasLower) {
    List<String> key = m.sourceKey();
    List<Object> ignored = new ArrayList<>();
    String range = MappingSql.range(m.source(), key, hasLower ? List.of() : null, upper, ignored);
    return "WITH src AS (SELECT * FROM " + m.sourceTable() + " WHERE true" + range
        + " ORDER BY " + MappingSql.orderBy(null, key, false) + " LIMIT ? FOR SHARE),"
        + " ins AS (INSERT INTO " + m.targetTable() + " (" + m.targetColumnList() + ")" + m.overriding()
        + " SELECT " + m.projection() + " FROM src ON CONFLICT " + MappingSql.keyTuple(null, m.targetKey())
        + " DO NOTHING RETURNING 1)"
        + " SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM ins), last.*"
        + " FROM (SELECT 1) one LEFT JOIN (SELECT " + MappingSql.keyText(null, key) + " FROM src ORDER BY "
        + MappingSql.orderBy(null, key, true) + " LIMIT 1) last ON true";
  }

  Chunk copy(Connection c, List<String> cursor, int limit) throws SQLException {
    Sql.markApplying(c);
    String sql = cursor == null ? fromStart : withLower;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (cursor != null) {
        for (String v : cursor) {
          ps.setString(i++, v);
        }
      }
      for (String v : upper) {
        ps.setString(i++, v);
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long rows = rs.getLong(1);
        long inserted = rs.getLong(2);
        List<String> last = null;
        if (rows > 0) {
          last = new ArrayList<>();
          for (int k = 0; k < m.sourceKey().size(); k++) {
            last.add(rs.getString(3 + k));
          }
        }
        return new Chunk(rows, inserted, last);
      }
    }
  }
}
