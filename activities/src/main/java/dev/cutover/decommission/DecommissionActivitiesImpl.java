package dev.cutover.decommission;

import dev.cutover.TaskQueue;
import dev.cutover.failure.Failures;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.TableName;
import dev.cutover.sql.Connections;
import dev.cutover.sql.CutoverSchema;
import dev.cutover.sql.MigrationTables;
import dev.cutover.sql.Sql;
import dev.cutover.sql.SyncTriggers;
import dev.cutover.sql.TableInfo;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class DecommissionActivitiesImpl implements DecommissionActivities {
  private final Connections connections;

  public DecommissionActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  @Override
  public void confirmNoLegacyWriters(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    TableName legacy = rb.source().tableName();
    Timestamp since = Sql.inTransaction(ds, c -> {
      CutoverSchema.ensure(c);
      try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getTimestamp(1);
      }
    });
    long until = System.currentTimeMillis() + rb.decommission().quietDuration().toMillis();
    while (System.currentTimeMillis() < until) {
      Activity.getExecutionContext().heartbeat(null);
      try {
        Thread.sleep(Math.min(1000, Math.max(1, until - System.currentTimeMillis())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    String seen = Sql.inTransaction(ds, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*), max(at), string_agg(DISTINCT op, ','),"
          + " string_agg(DISTINCT coalesce(nullif(application, ''), '?') || ' as ' || coalesce(db_user, '?'), ', ')"
          + " FROM cutover.legacy_writes WHERE table_schema = ? AND table_name = ? AND at >= ?")) {
        Sql.bind(ps, legacy.schema(), legacy.name(), since);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long n = rs.getLong(1);
          return n == 0 ? null : n + " direct write statement(s) (" + rs.getString(3) + ") from " + rs.getString(4)
              + ", last at " + rs.getTimestamp(2).toInstant();
        }
      }
    });
    if (seen != null) {
      throw ApplicationFailure.newNonRetryableFailure("legacy table " + legacy + " is still written directly: "
          + seen + " in the last " + rb.decommission().quiet() + "; move every writer to " + rb.target().table()
          + " (write_target=1), then approve decommission again", Failures.LEGACY_STILL_WRITTEN);
    }
  }

  @Override
  public String retireLegacyTable(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    TableName legacy = rb.source().tableName();
    String retired = DecommissionActivities.retiredName(rb);
    return Sql.ddl(ds, c -> {
      String source = Sql.table(legacy);
      String target = Sql.table(rb.target().tableName());
      if (TableInfo.read(c, legacy).isPresent()) {
        if (TableInfo.read(c, new TableName(legacy.schema(), retired)).isPresent()) {
          throw ApplicationFailure.newNonRetryableFailure("cannot retire " + legacy + ": " + legacy.schema() + "."
              + retired + " already exists; rename or drop it", Failures.MISSING_OBJECT);
        }
        for (String s : SyncTriggers.dropReverse(rb, source, target)) {
          Sql.execute(c, s);
        }
        for (String s : SyncTriggers.dropForward(rb, source)) {
          Sql.execute(c, s);
        }
        Sql.execute(c, "ALTER TABLE " + source + " RENAME TO " + Sql.ident(retired));
      }
      return legacy.schema() + "." + retired;
    });
  }

  @Override
  public String auditTarget(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    String target = Sql.table(rb.target().tableName());
    List<String> notValid = Sql.inTransaction(ds, c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT conname FROM pg_constraint WHERE conrelid = CAST(? AS regclass) AND NOT convalidated")) {
        Sql.bind(ps, target);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
      }
      return out;
    });
    for (String constraint : notValid) {
      // VALIDATE takes only SHARE UPDATE EXCLUSIVE: writers go on while it scans.
      Sql.inTransaction(ds, c -> {
        Sql.execute(c, "ALTER TABLE " + target + " VALIDATE CONSTRAINT " + Sql.ident(constraint));
        return null;
      });
    }
    Sql.inTransaction(ds, c -> {
      Sql.execute(c, "ANALYZE " + target);
      return null;
    });
    return "validated " + notValid.size() + " constraint(s), analyzed " + rb.target().table();
  }

  @Override
  public void dropRetiredTable(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    TableName retired = new TableName(rb.source().tableName().schema(), DecommissionActivities.retiredName(rb));
    Sql.ddl(ds, c -> {
      Sql.execute(c, "DROP TABLE IF EXISTS " + Sql.table(retired));
      return null;
    });
  }
}
