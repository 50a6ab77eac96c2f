package dev.cutover.dualwrite;

import dev.cutover.TaskQueue;
import dev.cutover.runbook.Runbook;
import dev.cutover.sql.Connections;
import dev.cutover.sql.CutoverSchema;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.MigrationTables;
import dev.cutover.sql.Sql;
import dev.cutover.sql.SyncTriggers;
import dev.cutover.sql.TableInfo;
import io.temporal.spring.boot.ActivityImpl;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class DualWriteActivitiesImpl implements DualWriteActivities {
  /** How many of the newest source rows the window check compares. */
  static final int CHECK_ROWS = 1000;

  private final Connections connections;

  public DualWriteActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  @Override
  public long installSyncTrigger(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.ddl(ds, c -> {
      CutoverSchema.ensure(c);
      MappingSql m = MigrationTables.load(c, rb);
      for (String statement : SyncTriggers.installForward(rb, m)) {
        Sql.execute(c, statement);
      }
      return null;
    });
    // The horizon is taken after the trigger committed: every transaction that gets an xid from here on writes
    // through it. The installing transaction's own xid would not do: it is assigned at its first statement, and a
    // writer that takes a later xid but commits before the trigger's lock is granted writes without the trigger.
    return Sql.inTransaction(ds, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT txid_snapshot_xmax(txid_current_snapshot()) - 1");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public void removeSyncTrigger(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.ddl(ds, c -> {
      if (TableInfo.read(c, rb.source().tableName()).isPresent()) {
        for (String statement : SyncTriggers.dropForward(rb, Sql.table(rb.source().tableName()))) {
          Sql.execute(c, statement);
        }
      } else {
        Sql.execute(c, "DROP FUNCTION IF EXISTS " + SyncTriggers.forwardFunction(rb) + "() CASCADE");
      }
      return null;
    });
  }

  /**
   * Compares the newest source rows (by key, and by the version column when the runbook names one) that
   * were written after the trigger went in (their xmin is newer than the installing transaction) with
   * the target, all in one snapshot. Rows written before are backfill's business, not this check's.
   */
  @Override
  public WriteCheck verifyRecentWrites(Runbook rb, long sinceXid) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    return Sql.inSnapshot(ds, c -> {
      MappingSql m = MigrationTables.load(c, rb);
      String order = rb.source().version() != null
          ? "s." + Sql.ident(rb.source().version()) + " DESC NULLS LAST"
          : MappingSql.orderBy("s", rb.source().key(), true);
      // Only the newest rows are looked at, so the check costs the same on a billion rows.
      String sql = "WITH recent AS (SELECT * FROM (SELECT s.*, s.xmin AS cutover_xmin FROM " + m.sourceTable()
          + " s ORDER BY " + order + " LIMIT " + (10 * CHECK_ROWS) + ") n"
          + " WHERE age(n.cutover_xmin) < age(CAST(? AS text)::xid) LIMIT " + CHECK_ROWS + "),"
          + " expected AS (SELECT " + m.castProjection() + " FROM recent),"
          + " actual AS (SELECT t.* FROM (SELECT " + Sql.idents(m.targetColumns()) + " FROM " + m.targetTable()
          + ") t WHERE " + MappingSql.keyTuple("t", m.targetKey()) + " IN (SELECT "
          + String.join(", ", rb.source().key().stream().map(Sql::ident).toList()) + " FROM recent))"
          + " SELECT (SELECT count(*) FROM recent),"
          + " (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) d),"
          + " (SELECT string_agg(x::text, '; ') FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual LIMIT 3) x)";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, Long.toString(sinceXid % (1L << 32)));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          List<String> samples = new ArrayList<>();
          if (rs.getString(3) != null) {
            samples.add("expected in target: " + rs.getString(3));
          }
          return new WriteCheck(rs.getLong(1), rs.getLong(2), samples);
        }
      }
    });
  }
}
