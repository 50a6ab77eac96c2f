package dev.cutover.writecutover;

import dev.cutover.TaskQueue;
import dev.cutover.runbook.Runbook;
import dev.cutover.sql.Connections;
import dev.cutover.sql.CutoverSchema;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.MigrationTables;
import dev.cutover.sql.Sql;
import dev.cutover.sql.SyncTriggers;
import dev.cutover.sql.TableInfo;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;
import dev.cutover.failure.Failures;
import javax.sql.DataSource;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class WriteCutoverActivitiesImpl implements WriteCutoverActivities {
  private final Connections connections;

  public WriteCutoverActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  @Override
  public void installReverseTrigger(Runbook rb) {
    if (rb.reverse().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("write cutover needs a 'reverse' mapping (source column ->"
          + " expression over target columns) so the legacy table stays current for rollback; add it to the runbook",
          Failures.INVALID_RUNBOOK);
    }
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.ddl(ds, c -> {
      CutoverSchema.ensure(c);
      MappingSql m = MigrationTables.load(c, rb);
      for (String statement : SyncTriggers.installReverse(rb, m)) {
        Sql.execute(c, statement);
      }
      return null;
    });
  }

  @Override
  public void removeReverseTrigger(Runbook rb) {
    DataSource ds = MigrationTables.dataSource(connections, rb);
    Sql.ddl(ds, c -> {
      boolean source = TableInfo.read(c, rb.source().tableName()).isPresent();
      boolean target = TableInfo.read(c, rb.target().tableName()).isPresent();
      if (source && target) {
        for (String statement : SyncTriggers.dropReverse(rb, Sql.table(rb.source().tableName()),
            Sql.table(rb.target().tableName()))) {
          Sql.execute(c, statement);
        }
      } else {
        Sql.execute(c, "DROP FUNCTION IF EXISTS " + SyncTriggers.reverseFunction(rb) + "() CASCADE");
        Sql.execute(c, "DROP FUNCTION IF EXISTS " + SyncTriggers.legacyWriteFunction(rb) + "() CASCADE");
      }
      return null;
    });
  }
}
