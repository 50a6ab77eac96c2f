package dev.cutover.reconcile;

import dev.cutover.TaskQueue;
import dev.cutover.runbook.Runbook;
import dev.cutover.sql.Connections;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.MigrationTables;
import dev.cutover.sql.Sql;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.spring.boot.ActivityImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class ReconcileActivitiesImpl implements ReconcileActivities {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReconcileActivitiesImpl.class);
  static final int MAX_SAMPLES = 10;

  private final Connections connections;

  public ReconcileActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  /** What a cycle heartbeats, so a retried cycle resumes at the chunk it reached. */
  public record CycleProgress(List<String> cursor, long rowsChecked, long chunks, long mismatchedChunks,
      long mismatchedRows, long repaired, List<Mismatch> samples, long millis) {}

  @Override
  public CycleResult reconcileCycle(Runbook rb, boolean repair) {
    ActivityExecutionContext ctx = Activity.getExecutionContext();
    Optional<CycleProgress> resumed = ctx.getHeartbeatDetails(CycleProgress.class);
    CycleProgress p = resumed.orElse(new CycleProgress(null, 0, 0, 0, 0, 0, List.of(), 0));
    if (resumed.isPresent()) {
      log.info("reconcile {} resuming at key {} after {} rows, {} repaired (attempt {})", rb.name(), p.cursor(),
          p.rowsChecked(), p.repaired(), ctx.getInfo().getAttempt());
    }
    DataSource ds = MigrationTables.dataSource(connections, rb);
    MappingSql m = Sql.inTransaction(ds, c -> MigrationTables.load(c, rb));
    ChunkHasher hasher = new ChunkHasher(m, rb.reconcile().chunkRows());
    long start = System.nanoTime() - p.millis() * 1_000_000;
    while (true) {
      List<String> lower = p.cursor();
      ChunkHasher.Compared chunk = Sql.inSnapshot(ds, c -> hasher.compare(c, lower));
      long repaired = 0;
      if (repair && !chunk.mismatchedKeys().isEmpty()) {
        repaired = Sql.inTransaction(ds, c -> hasher.repair(c, chunk.mismatchedKeys()));
      }
      List<Mismatch> samples = new ArrayList<>(p.samples());
      for (Mismatch s : chunk.samples()) {
        if (samples.size() < MAX_SAMPLES) {
          samples.add(s);
        }
      }
      p = new CycleProgress(chunk.upper(), p.rowsChecked() + chunk.sourceRows(), p.chunks() + 1,
          p.mismatchedChunks() + (chunk.mismatchedKeys().isEmpty() ? 0 : 1),
          p.mismatchedRows() + chunk.mismatchedKeys().size(), p.repaired() + repaired, samples,
          (System.nanoTime() - start) / 1_000_000);
      ctx.heartbeat(p);
      if (chunk.upper() == null) {
        break;
      }
    }
    double drift = p.rowsChecked() == 0 ? (p.mismatchedRows() == 0 ? 0 : 1)
        : (double) p.mismatchedRows() / p.rowsChecked();
    return new CycleResult(p.rowsChecked(), p.chunks(), p.mismatchedChunks(), p.mismatchedRows(), p.repaired(),
        drift, p.millis(), p.samples());
  }
}
