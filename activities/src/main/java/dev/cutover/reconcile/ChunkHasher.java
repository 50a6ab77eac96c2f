package dev.cutover.reconcile;

import dev.cutover.reconcile.ReconcileActivities.Mismatch;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares one key range of the source, projected through the mapping and cast to the target's types,
 * with the same range of the target: first as two aggregate hashes, and only where they differ row by
 * row. Run inside one snapshot, so a write committing meanwhile is never a false mismatch.
 */
final class ChunkHasher {
  private final MappingSql m;
  private final int chunkRows;

  record Compared(List<String> upper, long sourceRows, List<List<String>> mismatchedKeys, List<Mismatch> samples) {}

  ChunkHasher(MappingSql m, int chunkRows) {
    this.m = m;
    this.chunkRows = chunkRows;
  }

  Compared compare(Connection c, List<String> lower) throws SQLException {
    List<String> upper = upperBound(c, lower);
    List<Object> sp = new ArrayList<>();
    String sourceRange = MappingSql.range(m.source(), m.sourceKey(), lower, upper, sp);
    List<Object> tp = new ArrayList<>();
    String targetRange = MappingSql.range(m.target(), m.targetKey(), lower, upper, tp);
    String sourceRow = "ROW(" + m.castProjection() + ")::text";
    String targetRow = "ROW(" + m.targetColumnList() + ")::text";
    long[] s = hash(c, "SELECT count(*), COALESCE(bit_xor(hashtextextended(" + sourceRow + ", 0)), 0) FROM "
        + m.sourceTable() + " WHERE true" + sourceRange, sp);
    long[] t = hash(c, "SELECT count(*), COALESCE(bit_xor(hashtextextended(" + targetRow + ", 0)), 0) FROM "
        + m.targetTable() + " WHERE true" + targetRange, tp);
    if (s[0] == t[0] && s[1] == t[1]) {
      return new Compared(upper, s[0], List.of(), List.of());
    }
    Map<List<String>, String> source = rows(c, "SELECT " + MappingSql.keyText(null, m.sourceKey()) + ", "
        + sourceRow + " FROM " + m.sourceTable() + " WHERE true" + sourceRange, sp);
    Map<List<String>, String> target = rows(c, "SELECT " + MappingSql.keyText(null, m.targetKey()) + ", "
        + targetRow + " FROM " + m.targetTable() + " WHERE true" + targetRange, tp);
    List<List<String>> keys = new ArrayList<>();
    List<Mismatch> samples = new ArrayList<>();
    for (Map.Entry<List<String>, String> e : source.entrySet()) {
      String other = target.get(e.getKey());
      if (!Objects.equals(other, e.getValue())) {
        keys.add(e.getKey());
        samples.add(other == null
            ? new Mismatch(String.join(",", e.getKey()), "missing", null, e.getValue(), null)
            : difference(String.join(",", e.getKey()), e.getValue(), other));
      }
    }
    for (Map.Entry<List<String>, String> e : target.entrySet()) {
      if (!source.containsKey(e.getKey())) {
        keys.add(e.getKey());
        samples.add(new Mismatch(String.join(",", e.getKey()), "extra", null, null, e.getValue()));
      }
    }
    return new Compared(upper, s[0], keys, samples.size() > ReconcileActivitiesImpl.MAX_SAMPLES
        ? samples.subList(0, ReconcileActivitiesImpl.MAX_SAMPLES) : samples);
  }

  /** The chunkRows-th key after {@code lower}, or null when the rest of the table fits in this chunk. */
  private List<String> upperBound(Connection c, List<String> lower) throws SQLException {
    List<Object> params = new ArrayList<>();
    String range = MappingSql.range(m.source(), m.sourceKey(), lower, null, params);
    String sql = "SELECT " + MappingSql.keyText(null, m.sourceKey()) + " FROM " + m.sourceTable()
        + " WHERE true" + range + " ORDER BY " + MappingSql.orderBy(null, m.sourceKey(), false)
        + " OFFSET " + (chunkRows - 1) + " LIMIT 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, params.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= m.sourceKey().size(); i++) {
          out.add(rs.getString(i));
        }
        return out;
      }
    }
  }

  private static long[] hash(Connection c, String sql, List<Object> params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, params.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2)};
      }
    }
  }

  private Map<List<String>, String> rows(Connection c, String sql, List<Object> params) throws SQLException {
    Map<List<String>, String> out = new LinkedHashMap<>();
    int keys = m.sourceKey().size();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Sql.bind(ps, params.toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> key = new ArrayList<>(keys);
          for (int i = 1; i <= keys; i++) {
            key.add(rs.getString(i));
          }
          out.put(key, rs.getString(keys + 1));
        }
      }
    }
    return out;
  }

  /** The first target column whose value differs, with both values, judged from the rows' text forms. */
  private Mismatch difference(String key, String sourceRow, String targetRow) {
    List<String> a = RowText.fields(sourceRow);
    List<String> b = RowText.fields(targetRow);
    List<String> cols = m.targetColumns();
    for (int i = 0; i < Math.min(a.size(), Math.min(b.size(), cols.size())); i++) {
      if (!Objects.equals(a.get(i), b.get(i))) {
        return new Mismatch(key, "differs", cols.get(i), a.get(i), b.get(i));
      }
    }
    return new Mismatch(key, "differs", null, sourceRow, targetRow);
  }

  /**
   * Repairs rows source-wins. Per key, in the sync triggers' lock order (source row, then target row):
   * lock the source row if it exists, delete the target row, insert it again from the source. A writer
   * that commits meanwhile either waits for these locks or is seen by the insert's fresh snapshot, so a
   * repair never undoes a live write. The applying guard keeps the triggers out of cutover's own writes.
   */
  long repair(Connection c, List<List<String>> keys) throws SQLException {
    Sql.markApplying(c);
    String sourceKey = MappingSql.keyTuple(null, m.sourceKey()) + " = " + MappingSql.keyParams(m.source(), m.sourceKey());
    String targetKey = MappingSql.keyTuple(null, m.targetKey()) + " = " + MappingSql.keyParams(m.target(), m.targetKey());
    long repaired = 0;
    try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM " + m.sourceTable() + " WHERE " + sourceKey + " FOR SHARE");
        PreparedStatement delete = c.prepareStatement("DELETE FROM " + m.targetTable() + " WHERE " + targetKey);
        PreparedStatement insert = c.prepareStatement("INSERT INTO " + m.targetTable() + " (" + m.targetColumnList()
            + ")" + m.overriding() + " SELECT " + m.projection() + " FROM " + m.sourceTable() + " WHERE " + sourceKey
            + " ON CONFLICT " + MappingSql.keyTuple(null, m.targetKey()) + " DO UPDATE SET " + m.upsertSet())) {
      for (List<String> key : keys) {
        Sql.bind(lock, key.toArray());
        lock.executeQuery().close();
        Sql.bind(delete, key.toArray());
        delete.executeUpdate();
        Sql.bind(insert, key.toArray());
        insert.executeUpdate();
        repaired++;
      }
    }
    return repaired;
  }
}
