package dev.cutover.backfill;

import dev.cutover.TaskQueue;
import dev.cutover.runbook.Runbook;
import dev.cutover.sql.Connections;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.MigrationTables;
import dev.cutover.sql.Sql;
import dev.cutover.sql.TableInfo;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.spring.boot.ActivityImpl;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class BackfillActivitiesImpl implements BackfillActivities {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BackfillActivitiesImpl.class);
  /** Keys sampled to place partition boundaries. */
  static final int SAMPLE_KEYS = 10_000;

  private final Connections connections;

  public BackfillActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  /** What a slice heartbeats: where it got to and how many rows it copied on the way. */
  public record SliceProgress(List<String> cursor, long rowsCopied, long chunks, int chunkRows) {}

  @Override
  public BackfillPlan planBackfill(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    return Sql.inSnapshot(ds, c -> {
      MappingSql m = MigrationTables.load(c, rb);
      List<String> key = rb.source().key();
      List<String> max = firstKey(c, m, true);
      if (max == null) {
        return new BackfillPlan(List.of(), 0);
      }
      long estimate = (long) m.source().rowEstimate();
      if (estimate <= 0) {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + m.sourceTable());
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          estimate = rs.getLong(1);
        }
      }
      int parallelism = rb.backfill().parallelism();
      List<List<String>> bounds = new ArrayList<>();
      if (parallelism > 1) {
        double percent = Math.min(100.0, Math.max(0.01, 100.0 * SAMPLE_KEYS / Math.max(1, estimate)));
        List<List<String>> sample = new ArrayList<>();
        String sql = "SELECT " + MappingSql.keyText(null, key) + " FROM " + m.sourceTable()
            + " TABLESAMPLE SYSTEM (" + percent + ") ORDER BY " + MappingSql.orderBy(null, key, false);
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sample.add(row(rs, key.size()));
          }
        }
        for (int i = 1; i < parallelism && !sample.isEmpty(); i++) {
          List<String> b = sample.get((int) ((long) i * sample.size() / parallelism));
          if (!bounds.contains(b) && !b.equals(max)) {
            bounds.add(b);
          }
        }
      }
      bounds.add(max);
      List<Partition> parts = new ArrayList<>();
      List<String> lower = null;
      for (int i = 0; i < bounds.size(); i++) {
        parts.add(new Partition(i, lower, bounds.get(i)));
        lower = bounds.get(i);
      }
      return new BackfillPlan(parts, estimate);
    });
  }

  /** The highest (or lowest) key as text, or null on an empty table. */
  private static List<String> firstKey(java.sql.Connection c, MappingSql m, boolean descending) throws SQLException {
    List<String> key = m.sourceKey();
    String sql = "SELECT " + MappingSql.keyText(null, key) + " FROM " + m.sourceTable()
        + " ORDER BY " + MappingSql.orderBy(null, key, descending) + " LIMIT 1";
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? row(rs, key.size()) : null;
    }
  }

  private static List<String> row(ResultSet rs, int columns) throws SQLException {
    List<String> out = new ArrayList<>(columns);
    for (int i = 1; i <= columns; i++) {
      out.add(rs.getString(i));
    }
    return out;
  }

  @Override
  public SliceResult copySlice(Runbook rb, Partition partition, List<String> cursor, long maxMillis) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Optional<SliceProgress> resumed = ctx.getHeartbeatDetails(SliceProgress.class);
    SliceProgress progress = resumed.orElse(new SliceProgress(cursor, 0, 0, rb.backfill().chunkRows()));
    if (resumed.isPresent()) {
      log.info("backfill {} partition {} resuming from key {} after {} rows (attempt {})", rb.name(),
          partition.index(), progress.cursor(), progress.rowsCopied(), ctx.getInfo().getAttempt());
    }
    DataSource ds = MigrationTables.dataSource(connections, rb);
    MappingSql m = Sql.inTransaction(ds, c -> MigrationTables.load(c, rb));
    ChunkCopier copier = new ChunkCopier(m, partition.upper());
    long start = System.nanoTime();
    long limitPerSecond = rb.backfill().maxRowsPerSecond();
    boolean done = false;
    while (!done && (System.nanoTime() - start) / 1_000_000 < maxMillis) {
      long chunkStart = System.nanoTime();
      int limit = progress.chunkRows();
      List<String> from = progress.cursor();
      ChunkCopier.Chunk chunk = Sql.inTransaction(ds, c -> copier.copy(c, from, limit));
      long chunkMillis = Math.max(1, (System.nanoTime() - chunkStart) / 1_000_000);
      done = chunk.rows() < limit;
      List<String> next = chunk.last() == null ? progress.cursor() : chunk.last();
      int nextLimit = adapt(limit, chunkMillis, rb.backfill().targetChunkMillis(), rb.backfill().chunkRows());
      progress = new SliceProgress(next, progress.rowsCopied() + chunk.rows(), progress.chunks() + 1, nextLimit);
      ctx.heartbeat(progress);
      if (limitPerSecond > 0) {
        long minMillis = 1000L * chunk.rows() / limitPerSecond;
        long spent = (System.nanoTime() - chunkStart) / 1_000_000;
        if (minMillis > spent) {
          sleep(minMillis - spent);
        }
      }
    }
    return new SliceResult(progress.cursor(), progress.rowsCopied(), progress.chunks(), done,
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Moves the chunk size toward the target chunk time, at most doubling or halving per chunk, within
   * a tenth and ten times the runbook's chunkRows: short row locks without per-chunk overhead.
   */
  static int adapt(int rows, long millis, int targetMillis, int configured) {
    double factor = Math.max(0.5, Math.min(2.0, (double) targetMillis / millis));
    int next = (int) Math.round(rows * factor);
    return Math.max(Math.max(1, configured / 10), Math.min(configured * 10, next));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public int finishBackfill(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    return Sql.inTransaction(ds, c -> {
      MappingSql m = MigrationTables.load(c, rb);
      int adjusted = 0;
      for (TableInfo.Column col : m.target().columns().values()) {
        String sql = "SELECT setval(seq, GREATEST(COALESCE((SELECT max(" + Sql.ident(col.name()) + ") FROM "
            + m.targetTable() + "), 1), COALESCE(pg_sequence_last_value(seq), 1)))"
            + " FROM (SELECT CAST(pg_get_serial_sequence(?, ?) AS regclass) AS seq) s WHERE seq IS NOT NULL";
        if (!col.type().matches("smallint|integer|bigint")) {
          continue;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          Sql.bind(ps, m.targetTable(), col.name());
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              adjusted++;
            }
          }
        }
      }
      return adjusted;
    });
  }

  @Override
  public void truncateTarget(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.ddl(ds, c -> {
      if (TableInfo.read(c, rb.target().tableName()).isPresent()) {
        Sql.execute(c, "TRUNCATE " + Sql.table(rb.target().tableName()));
      }
      return null;
    });
  }
}
