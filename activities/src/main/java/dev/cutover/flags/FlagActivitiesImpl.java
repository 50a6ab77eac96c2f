package dev.cutover.flags;

import dev.cutover.TaskQueue;
import dev.cutover.failure.Failures;
import dev.cutover.sql.Connections;
import dev.cutover.sql.CutoverSchema;
import dev.cutover.sql.Sql;
import io.temporal.failure.ApplicationFailure;
import io.temporal.spring.boot.ActivityImpl;

@ActivityImpl(taskQueues = TaskQueue.NAME)
public class FlagActivitiesImpl implements FlagActivities {
  private final Connections connections;

  public FlagActivitiesImpl(Connections connections) {
    this.connections = connections;
  }

  @Override
  public void setFlag(FlagChange change) {
    javax.sql.DataSource ds;
    try {
      ds = connections.get(change.connection());
    } catch (Connections.UnknownConnectionException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.MISSING_OBJECT);
    }
    Sql.inTransaction(ds, c -> {
      CutoverSchema.ensure(c);
      return Sql.update(c, "INSERT INTO cutover.flags (migration, name, value, updated_at, updated_by)"
          + " VALUES (?, ?, ?, now(), ?) ON CONFLICT (migration, name) DO UPDATE"
          + " SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by"
          + " WHERE cutover.flags.value IS DISTINCT FROM EXCLUDED.value",
          change.migration(), change.flag().flagName(), change.value(), change.by());
    });
  }
}
