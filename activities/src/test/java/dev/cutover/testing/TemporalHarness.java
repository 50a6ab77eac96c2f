package dev.cutover.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.TaskQueue;
import dev.cutover.backfill.BackfillActivitiesImpl;
import dev.cutover.backfill.BackfillWorkflowImpl;
import dev.cutover.baseline.BaselineActivitiesImpl;
import dev.cutover.baseline.BaselineWorkflowImpl;
import dev.cutover.decommission.DecommissionActivitiesImpl;
import dev.cutover.decommission.DecommissionWorkflowImpl;
import dev.cutover.decommission.DropLegacyWorkflowImpl;
import dev.cutover.dualwrite.DualWriteActivitiesImpl;
import dev.cutover.dualwrite.DualWriteWorkflowImpl;
import dev.cutover.flags.FlagActivitiesImpl;
import dev.cutover.migration.MigrationWorkflow;
import dev.cutover.migration.MigrationWorkflowImpl;
import dev.cutover.readcutover.ReadCutoverWorkflowImpl;
import dev.cutover.reconcile.ReconcileActivitiesImpl;
import dev.cutover.reconcile.ReconcileWorkflowImpl;
import dev.cutover.runbook.Runbook;
import dev.cutover.sql.Connections;
import dev.cutover.writecutover.WriteCutoverActivitiesImpl;
import dev.cutover.writecutover.WriteCutoverWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/**
 * Temporal's test server in real time with cutover's real workflows and real activities over a
 * {@link TestDatabase}: the whole stack but the network.
 */
public final class TemporalHarness implements AutoCloseable {
  private final TestWorkflowEnvironment env;
  private final HikariDataSource pool;

  public TemporalHarness(TestDatabase db) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(8);
    config.addDataSourceProperty("ApplicationName", "cutover-worker");
    pool = new HikariDataSource(config);
    Connections connections = name -> {
      if (!name.equals("primary")) {
        throw new Connections.UnknownConnectionException(name);
      }
      return pool;
    };
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    register(env.newWorker(TaskQueue.NAME), connections);
    env.start();
  }

  /** cutover's workflows and real activities on one worker. */
  static void register(Worker worker, Connections connections) {
    worker.registerWorkflowImplementationTypes(MigrationWorkflowImpl.class, BaselineWorkflowImpl.class,
        DualWriteWorkflowImpl.class, BackfillWorkflowImpl.class, ReconcileWorkflowImpl.class,
        ReadCutoverWorkflowImpl.class, WriteCutoverWorkflowImpl.class, DecommissionWorkflowImpl.class,
        DropLegacyWorkflowImpl.class);
    worker.registerActivitiesImplementations(new FlagActivitiesImpl(connections),
        new BaselineActivitiesImpl(connections), new DualWriteActivitiesImpl(connections),
        new BackfillActivitiesImpl(connections), new ReconcileActivitiesImpl(connections),
        new WriteCutoverActivitiesImpl(connections), new DecommissionActivitiesImpl(connections));
  }

  public WorkflowClient client() {
    return env.getWorkflowClient();
  }

  public MigrationWorkflow start(Runbook runbook, String by) {
    MigrationWorkflow stub = client().newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(runbook.name()).setTaskQueue(TaskQueue.NAME).build());
    WorkflowClient.start(stub::run, new MigrationWorkflow.Request(runbook, by));
    return client().newWorkflowStub(MigrationWorkflow.class, runbook.name());
  }

  @Override
  public void close() {
    env.close();
    pool.close();
  }
}
