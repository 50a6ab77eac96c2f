package dev.cutover.baseline;

import dev.cutover.TaskQueue;
import dev.cutover.baseline.BaselineReport.Finding;
import dev.cutover.baseline.BaselineReport.Severity;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.TableName;
import dev.cutover.sql.Connections;
import dev.cutover.sql.CutoverSchema;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.MigrationTables;
import dev.cutover.sql.Sql;
import dev.cutover.sql.TableInfo;
import io.temporal.spring.boot.ActivityImpl;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class BaselineActivitiesImpl implements BaselineActivities {
  /** Rows the mapping is tried on before anything is installed. */
  static final int SAMPLE_ROWS = 1000;

  private final Connections connections;

  public BaselineActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  @Override
  public BaselineReport inspectTables(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    return Sql.inSnapshot(ds, c -> inspect(c, rb));
  }

  /** Read-only; runs inside a read-only transaction, so nothing it does can change the database. */
  static BaselineReport inspect(Connection c, Runbook rb) throws SQLException {
    List<Finding> f = new ArrayList<>();
    if (!rb.source().connection().equals(rb.target().connection())) {
      f.add(blocking("connections", "trigger-mode dual write needs both tables in one database: source uses '"
          + rb.source().connection() + "', target '" + rb.target().connection() + "'; use one connection"));
    }
    Optional<TableInfo> source = TableInfo.read(c, rb.source().tableName());
    Optional<TableInfo> target = TableInfo.read(c, rb.target().tableName());
    if (source.isEmpty()) {
      f.add(blocking("source table", "source table " + rb.source().tableName() + " does not exist on connection '"
          + rb.source().connection() + "'; fix source.table"));
    }
    if (target.isEmpty()) {
      f.add(blocking("target table", "target table " + rb.target().tableName() + " does not exist; create it"
          + " first or set target.create: true"));
    }
    if (source.isEmpty() || target.isEmpty()) {
      return new BaselineReport(f, 0, 0, 0, 0, List.of(), 0, false);
    }
    TableInfo s = source.get();
    TableInfo t = target.get();
    boolean keyOk = true;
    for (String k : rb.source().key()) {
      if (!s.columns().containsKey(k)) {
        keyOk = false;
        f.add(blocking("source key", "key column " + k + " is not a column of " + s.name() + "; fix source.key"));
      }
    }
    if (keyOk && !s.hasUniqueKey(rb.source().key())) {
      f.add(blocking("source key", s.name() + " has no primary key or unique index on (" + String.join(", ",
          rb.source().key()) + "); add one, or set source.key to the columns of an existing one"));
    }
    if (rb.source().version() != null && !s.columns().containsKey(rb.source().version())) {
      f.add(blocking("version column", "version column " + rb.source().version() + " is not a column of " + s.name()));
    }
    boolean columnsOk = true;
    for (String col : rb.mapping().keySet()) {
      TableInfo.Column tc = t.columns().get(col);
      if (tc == null) {
        columnsOk = false;
        f.add(blocking("mapping", "mapping names column " + col + ", which " + t.name() + " does not have"));
      } else if (!tc.generated().isEmpty()) {
        columnsOk = false;
        f.add(blocking("mapping", "column " + col + " of " + t.name() + " is GENERATED; remove it from the mapping"));
      }
    }
    for (TableInfo.Column tc : t.columns().values()) {
      if (tc.notNull() && !tc.hasDefault() && tc.identity().isEmpty() && tc.generated().isEmpty()
          && !rb.mapping().containsKey(tc.name())) {
        f.add(blocking("mapping", "column " + tc.name() + " of " + t.name() + " is NOT NULL without a default"
            + " and not in the mapping; map it or give it a default"));
      }
    }
    List<String> tk = rb.targetKey();
    if (columnsOk && !t.hasUniqueKey(tk)) {
      f.add(blocking("target key", t.name() + " has no primary key or unique index on (" + String.join(", ", tk)
          + "); add PRIMARY KEY (" + String.join(", ", tk) + ") so copies and syncs can match rows"));
    }
    for (List<String> u : t.uniqueKeys()) {
      if (!(u.size() == tk.size() && u.containsAll(tk))) {
        f.add(new Finding(Severity.WARNING, "target constraints", "unique index on (" + String.join(", ", u)
            + ") is stricter than the key: a row that violates it fails the copy loudly (never dropped)"
            + " and fails the application's write through the sync trigger"));
      }
    }
    for (String con : t.constraints()) {
      if (con.contains("FOREIGN KEY")) {
        f.add(new Finding(Severity.WARNING, "target constraints", "foreign key " + con + ": referenced rows must"
            + " exist before a row is copied; consider NOT VALID now and VALIDATE at decommission"));
      }
    }
    if (t.rowEstimate() > 0) {
      f.add(new Finding(Severity.WARNING, "target rows", t.name() + " already holds ~" + (long) t.rowEstimate()
          + " rows: backfill keeps rows that exist, reconcile repairs any that differ"));
    }
    int sampled = 0;
    if (f.stream().noneMatch(x -> x.severity() == Severity.BLOCKING)) {
      MappingSql m = new MappingSql(rb, s, t);
      sampled = sampleMapping(c, rb, m, f);
      reverseCompiles(c, rb, s, t, f);
    }
    headroom(c, f);
    f.add(new Finding(Severity.INFO, "size", s.name() + ": ~" + (long) Math.max(0, s.rowEstimate()) + " rows, "
        + s.bytes() / (1024 * 1024) + " MiB; " + t.name() + ": ~" + (long) Math.max(0, t.rowEstimate()) + " rows"));
    return new BaselineReport(f, (long) Math.max(0, s.rowEstimate()), s.bytes(), (long) Math.max(0, t.rowEstimate()),
        t.bytes(), t.constraints(), sampled, false);
  }

  /** Runs every mapping expression, cast to its target type, over a sample; names the first failing column and key. */
  private static int sampleMapping(Connection c, Runbook rb, MappingSql m, List<Finding> f) throws SQLException {
    String keys = rb.source().key().stream().map(k -> Sql.ident(k) + "::text")
        .collect(java.util.stream.Collectors.joining(", "));
    String from = " FROM (SELECT * FROM " + m.sourceTable() + " ORDER BY "
        + MappingSql.orderBy(null, rb.source().key(), false) + " LIMIT " + SAMPLE_ROWS + ") s";
    int rows = 0;
    for (Map.Entry<String, String> e : rb.mapping().entrySet()) {
      String cast = "CAST((" + e.getValue() + ") AS " + m.target().type(e.getKey()) + ")";
      Savepoint sp = c.setSavepoint();
      try (PreparedStatement ps = c.prepareStatement("SELECT count(" + cast + "), count(*)" + from);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        rows = rs.getInt(2);
        c.releaseSavepoint(sp);
      } catch (SQLException ex) {
        c.rollback(sp);
        String firstKey = firstFailingKey(c, keys, cast, from);
        f.add(blocking("mapping", "mapping of " + e.getKey() + " (" + e.getValue() + " as " + m.target().type(e.getKey())
            + ") fails" + (firstKey == null ? "" : " first at key " + firstKey) + ": " + firstLine(ex.getMessage())
            + " [SQLSTATE " + ex.getSQLState() + "]"));
      }
    }
    return rows;
  }

  /** Row by row over the sample, the first key whose value does not map (null when even one row fails to plan). */
  private static String firstFailingKey(Connection c, String keys, String cast, String from) throws SQLException {
    List<String> sampleKeys = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT concat_ws(',', " + keys + ")" + from);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        sampleKeys.add(rs.getString(1));
      }
    }
    for (String k : sampleKeys) {
      Savepoint sp = c.setSavepoint();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + cast + from + " WHERE concat_ws(',', " + keys + ") = ?")) {
        ps.setString(1, k);
        ps.executeQuery().close();
        c.releaseSavepoint(sp);
      } catch (SQLException ex) {
        c.rollback(sp);
        return k;
      }
    }
    return null;
  }

  private static void reverseCompiles(Connection c, Runbook rb, TableInfo s, TableInfo t, List<Finding> f)
      throws SQLException {
    for (Map.Entry<String, String> e : rb.reverse().entrySet()) {
      if (!s.columns().containsKey(e.getKey())) {
        f.add(blocking("reverse", "reverse names column " + e.getKey() + ", which " + s.name() + " does not have"));
        continue;
      }
      Savepoint sp = c.setSavepoint();
      try (PreparedStatement ps = c.prepareStatement("SELECT CAST((" + e.getValue() + ") AS " + s.type(e.getKey())
          + ") FROM " + Sql.table(t.name()) + " LIMIT 0")) {
        ps.executeQuery().close();
        c.releaseSavepoint(sp);
      } catch (SQLException ex) {
        c.rollback(sp);
        f.add(blocking("reverse", "reverse of " + e.getKey() + " (" + e.getValue() + ") does not compile: "
            + firstLine(ex.getMessage())));
      }
    }
  }

  private static void headroom(Connection c, List<Finding> f) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT current_setting('max_connections')::int, (SELECT count(*) FROM pg_stat_activity)");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      int max = rs.getInt(1);
      int used = rs.getInt(2);
      Severity sev = used * 3 > max * 2 ? Severity.WARNING : Severity.INFO;
      f.add(new Finding(sev, "connection headroom", used + " of max_connections " + max + " in use"
          + (sev == Severity.WARNING ? "; less than 1.5x headroom for cutover's pools" : "")));
    }
  }

  private static Finding blocking(String check, String message) {
    return new Finding(Severity.BLOCKING, check, message);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.split("\n")[0];
  }

  @Override
  public void claimTables(Runbook rb, String owner) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    String held = Sql.inTransaction(ds, c -> {
      CutoverSchema.ensure(c);
      List<TableName> tables = new ArrayList<>(List.of(rb.source().tableName(), rb.target().tableName()));
      tables.sort(java.util.Comparator.comparing(TableName::toString));
      for (TableName t : tables) {
        Sql.update(c, "INSERT INTO cutover.migrations (table_schema, table_name, migration, owner)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", t.schema(), t.name(), rb.name(), owner);
        try (PreparedStatement ps = c.prepareStatement("SELECT migration, owner, claimed_at FROM cutover.migrations"
            + " WHERE table_schema = ? AND table_name = ?")) {
          Sql.bind(ps, t.schema(), t.name());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!owner.equals(rs.getString(2))) {
              c.rollback();
              return "table " + t + " is held by migration " + rs.getString(1) + " (" + rs.getString(2)
                  + ", since " + rs.getTimestamp(3).toInstant() + "); finish or abort that migration first"
                  + " (a migration that no longer exists is released with DELETE FROM cutover.migrations"
                  + " WHERE owner = '" + rs.getString(2) + "')";
            }
          }
        }
      }
      return null;
    });
    if (held != null) {
      throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(held, dev.cutover.failure.Failures.TABLE_BUSY);
    }
  }

  @Override
  public void releaseTables(Runbook rb, String owner) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.inTransaction(ds, c -> {
      CutoverSchema.ensure(c);
      return Sql.update(c, "DELETE FROM cutover.migrations WHERE owner = ?", owner);
    });
  }

  @Override
  public boolean createTarget(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    return Sql.ddl(ds, c -> {
      CutoverSchema.ensure(c);
      TableName t = rb.target().tableName();
      if (TableInfo.read(c, t).isPresent()) {
        return false;
      }
      TableInfo s = TableInfo.read(c, rb.source().tableName()).orElse(null);
      if (s == null) {
        return false;
      }
      List<String> select = new ArrayList<>();
      for (Map.Entry<String, String> e : rb.mapping().entrySet()) {
        select.add("(" + e.getValue() + ") AS " + Sql.ident(e.getKey()));
      }
      Sql.execute(c, "CREATE TABLE " + Sql.table(t) + " AS SELECT " + String.join(", ", select) + " FROM "
          + Sql.table(s.name()) + " WITH NO DATA");
      Sql.execute(c, "ALTER TABLE " + Sql.table(t) + " ADD PRIMARY KEY (" + Sql.idents(rb.targetKey()) + ")");
      Sql.update(c, "INSERT INTO cutover.created_tables (migration, table_schema, table_name) VALUES (?, ?, ?)"
          + " ON CONFLICT DO NOTHING", rb.name(), t.schema(), t.name());
      return true;
    });
  }

  @Override
  public void dropCreatedTarget(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.ddl(ds, c -> {
      CutoverSchema.ensure(c);
      TableName t = rb.target().tableName();
      int mine = Sql.update(c, "DELETE FROM cutover.created_tables WHERE migration = ? AND table_schema = ?"
          + " AND table_name = ?", rb.name(), t.schema(), t.name());
      if (mine > 0) {
        Sql.execute(c, "DROP TABLE IF EXISTS " + Sql.table(t));
      }
      return null;
    });
  }
}
