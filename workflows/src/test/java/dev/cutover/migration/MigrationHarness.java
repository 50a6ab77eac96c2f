package dev.cutover.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.cutover.TaskQueue;
import dev.cutover.backfill.BackfillActivities;
import dev.cutover.backfill.BackfillActivities.BackfillPlan;
import dev.cutover.backfill.BackfillActivities.Partition;
import dev.cutover.backfill.BackfillActivities.SliceResult;
import dev.cutover.backfill.BackfillWorkflowImpl;
import dev.cutover.baseline.BaselineActivities;
import dev.cutover.baseline.BaselineReport;
import dev.cutover.baseline.BaselineWorkflowImpl;
import dev.cutover.decommission.DecommissionActivities;
import dev.cutover.decommission.DecommissionWorkflowImpl;
import dev.cutover.decommission.DropLegacyWorkflowImpl;
import dev.cutover.dualwrite.DualWriteActivities;
import dev.cutover.dualwrite.DualWriteActivities.WriteCheck;
import dev.cutover.dualwrite.DualWriteWorkflowImpl;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagActivities;
import dev.cutover.flags.FlagActivities.FlagChange;
import dev.cutover.readcutover.ReadCutoverWorkflowImpl;
import dev.cutover.reconcile.ReconcileActivities;
import dev.cutover.reconcile.ReconcileActivities.CycleResult;
import dev.cutover.reconcile.ReconcileWorkflowImpl;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import dev.cutover.writecutover.WriteCutoverActivities;
import dev.cutover.writecutover.WriteCutoverWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.mockito.stubbing.Answer;

/**
 * A time-skipping Temporal test server with every cutover workflow on {@link TaskQueue#NAME} and a Mockito
 * mock behind every activity interface, answering like a healthy database: two backfill partitions, clean
 * reconcile cycles, dual write that checks out, a baseline without blocking findings.
 */
final class MigrationHarness implements AutoCloseable {
  static final String ID = "customers-v2";
  static final Runbook RUNBOOK = RunbookLoader.load(Path.of("..", "runbooks", "customers-v2.yaml"));
  static final String STARTER = "alice";
  static final String APPROVER = "bob";

  final HeldSignal heldSignal = new HeldSignal();
  final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
      .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkerInterceptors(heldSignal).build())
      .build());
  final WorkflowClient client = env.getWorkflowClient();

  final FlagActivities flags = mockActivity(FlagActivities.class);
  final BaselineActivities baseline = mockActivity(BaselineActivities.class);
  final DualWriteActivities dualWrite = mockActivity(DualWriteActivities.class);
  final BackfillActivities backfill = mockActivity(BackfillActivities.class);
  final ReconcileActivities reconcile = mockActivity(ReconcileActivities.class);
  final WriteCutoverActivities writeCutover = mockActivity(WriteCutoverActivities.class);
  final DecommissionActivities decommission = mockActivity(DecommissionActivities.class);

  private MigrationWorkflow handle;
  private String id;

  MigrationHarness() {
    when(baseline.inspectTables(any())).thenReturn(new BaselineReport(
        List.of(new BaselineReport.Finding(BaselineReport.Severity.WARNING, "write-rate", "40 writes/s on the source")),
        1_000, 128_000, 0, 8_192, List.of("customers_v2_pkey"), 100, false));
    when(baseline.createTarget(any())).thenReturn(true);
    when(dualWrite.installSyncTrigger(any())).thenReturn(4242L);
    when(dualWrite.verifyRecentWrites(any(), anyLong())).thenReturn(new WriteCheck(12, 0, List.of()));
    when(backfill.planBackfill(any())).thenReturn(new BackfillPlan(List.of(
        new Partition(0, null, List.of("500")), new Partition(1, List.of("500"), null)), 1_000));
    when(backfill.copySlice(any(), any(), any(), anyLong())).thenAnswer(i -> {
      Partition p = i.getArgument(1);
      return new SliceResult(p.upper() == null ? List.of("1000") : p.upper(), 500, 5, true, 120);
    });
    when(backfill.finishBackfill(any())).thenReturn(1);
    when(reconcile.reconcileCycle(any(), anyBoolean()))
        .thenReturn(new CycleResult(1_000, 1, 0, 0, 0, 0.0, 80, List.of()));
    when(decommission.retireLegacyTable(any())).thenReturn("customers_retired");
    when(decommission.auditTarget(any())).thenReturn("1 constraint validated; analyzed");

    Worker worker = env.newWorker(TaskQueue.NAME);
    worker.registerWorkflowImplementationTypes(MigrationWorkflowImpl.class, BaselineWorkflowImpl.class,
        DualWriteWorkflowImpl.class, BackfillWorkflowImpl.class, ReconcileWorkflowImpl.class,
        ReadCutoverWorkflowImpl.class, WriteCutoverWorkflowImpl.class, DecommissionWorkflowImpl.class,
        DropLegacyWorkflowImpl.class);
    worker.registerActivitiesImplementations(flags, baseline, dualWrite, backfill, reconcile, writeCutover,
        decommission);
    env.start();
  }

  /** Temporal reads the activity annotations off the implementation's interfaces, so the mock must not copy them. */
  private static <T> T mockActivity(Class<T> type) {
    return mock(type, withSettings().withoutAnnotations());
  }

  MigrationWorkflow start(Runbook runbook) {
    MigrationWorkflow wf = client.newWorkflowStub(MigrationWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(runbook.name()).setTaskQueue(TaskQueue.NAME).build());
    WorkflowClient.start(wf::run, new MigrationWorkflow.Request(runbook, STARTER));
    id = runbook.name();
    handle = client.newWorkflowStub(MigrationWorkflow.class, id);
    return handle;
  }

  MigrationWorkflow start() {
    return start(RUNBOOK);
  }

  MigrationWorkflow handle() {
    return handle;
  }

  MigrationStatus status() {
    return handle.status();
  }

  /**
   * Advances workflow time in growing steps until {@code gate} is pending: soaks, reconcile intervals and
   * the retention period pass in a few skips, and a gate waits for ever, so overshooting is harmless.
   */
  MigrationStatus awaitGate(String gate) {
    return awaitStatus("gate " + gate + " pending", s -> gate.equals(s.pendingGate()));
  }

  MigrationStatus awaitStatus(String what, Predicate<MigrationStatus> condition) {
    Duration step = Duration.ofSeconds(1);
    MigrationStatus s = null;
    for (int i = 0; i < 60; i++) {
      s = status();
      if (condition.test(s)) {
        return s;
      }
      if (s.ended()) {
        fail("migration ended " + s.state() + " (" + s.failure() + ") while waiting for " + what + ": " + s);
      }
      env.sleep(step);
      step = step.multipliedBy(2).compareTo(Duration.ofHours(12)) > 0 ? Duration.ofHours(12) : step.multipliedBy(2);
    }
    return fail("timed out waiting for " + what + "; last status " + s);
  }

  /**
   * Moves workflow time a second at a time until {@code condition} holds: small steps, so a phase that
   * waits an hour between rounds is caught inside its first wait.
   */
  void advanceUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      env.sleep(Duration.ofSeconds(1));
      sleepMillis(5);
    }
    fail("timed out waiting for " + what + "; last status " + status());
  }

  /** How often {@code method} of an activity mock has been called so far. */
  static long calls(Object mock, String method) {
    return mockingDetails(mock).getInvocations().stream().filter(i -> i.getMethod().getName().equals(method)).count();
  }

  /**
   * Waits in real time, without moving workflow time, until {@code phase} runs: its child then sits on its
   * timer or a held activity, so what the test does next happens while the phase runs.
   */
  MigrationStatus awaitPhaseRunning(String phase) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    MigrationStatus s;
    do {
      s = status();
      if (s.phases().stream().anyMatch(p -> p.name().equals(phase) && p.state().equals("RUNNING"))) {
        return s;
      }
      sleepMillis(20);
    } while (System.nanoTime() < deadline);
    return fail("phase " + phase + " never ran; last status " + s);
  }

  /**
   * Waits until the child {@code <id>/<phase>} has asked its running activity to stop: from then on the
   * phase cannot start another step, so a held activity released now shows what cancellation does.
   */
  void awaitActivityCancelRequested(String phase) {
    String child = id + "/" + phase;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (client.fetchHistory(child).getEvents().stream()
          .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)) {
        return;
      }
      sleepMillis(20);
    }
    fail("child " + child + " never requested its activity to cancel");
  }

  MigrationStatus.Approval approve(String gate) {
    awaitGate(gate);
    return handle.approve(new MigrationWorkflow.Approve(gate, APPROVER, comment(gate)));
  }

  static String comment(String gate) {
    return "checked before " + gate;
  }

  /** Approves, as {@link #APPROVER}, every gate the runbook has before {@code gate}, then waits for it. */
  MigrationStatus approveUntil(Runbook runbook, String gate) {
    for (String g : runbook.gateNames()) {
      if (g.equals(gate)) {
        return awaitGate(gate);
      }
      if (!runbook.gates().auto().contains(g)) {
        approve(g);
      }
    }
    throw new IllegalArgumentException("no gate " + gate);
  }

  /** Starts the example migration and approves every gate as {@link #APPROVER} as it comes; its result. */
  MigrationStatus runToCompletion() {
    start();
    for (String gate : RUNBOOK.gateNames()) {
      if (!RUNBOOK.gates().auto().contains(gate)) {
        MigrationStatus.Approval a = approve(gate);
        assertThat(a.gate()).isEqualTo(gate);
        assertThat(a.approver()).isEqualTo(APPROVER);
      }
    }
    MigrationStatus end = result();
    assertThat(status()).isEqualTo(end);
    return end;
  }

  /** The migration's result; fails with its status and history rather than hang when it does not end. */
  MigrationStatus result() {
    try {
      return client.newUntypedWorkflowStub(id).getResult(30, TimeUnit.SECONDS, MigrationStatus.class);
    } catch (TimeoutException e) {
      MigrationStatus s = status();
      StringBuilder histories = new StringBuilder();
      for (MigrationStatus.PhaseRecord p : s.phases()) {
        if (p.state().equals("RUNNING")) {
          histories.append("\nhistory of ").append(p.workflowId()).append(' ')
              .append(client.fetchHistory(p.workflowId()).toJson(true));
        }
      }
      return fail("migration did not end; status " + s + "\nhistory " + client.fetchHistory(id).toJson(true)
          + histories);
    }
  }

  /** Every flag change the activities were asked for, in order, as {@code name=value by who}. */
  List<String> flagChanges() {
    return mockingDetails(flags).getInvocations().stream()
        .filter(i -> i.getMethod().getName().equals("setFlag"))
        .map(i -> (FlagChange) i.getArgument(0))
        .map(MigrationHarness::describe)
        .toList();
  }

  static String describe(FlagChange c) {
    return c.flag().flagName() + "=" + c.value() + " by " + c.by();
  }

  static FlagChange flag(Flag flag, int value, String by) {
    return new FlagChange(RUNBOOK.source().connection(), RUNBOOK.name(), flag, value, by);
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    env.close();
  }

  /**
   * Holds the workflow task that delivers the next {@code reportProgress} signal until released, so every
   * message sent meanwhile reaches the workflow together in the following task: the way two operators
   * clicking at once arrive.
   */
  static final class HeldSignal extends WorkerInterceptorBase {
    private volatile CountDownLatch entered;
    private volatile CountDownLatch released;

    void arm() {
      entered = new CountDownLatch(1);
      released = new CountDownLatch(1);
    }

    void awaitHeld() {
      try {
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the held signal arrived").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    void release() {
      released.countDown();
    }

    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void handleSignal(SignalInput input) {
          CountDownLatch r = released;
          if (input.getSignalName().equals("reportProgress") && r != null && r.getCount() > 0) {
            entered.countDown();
            try {
              // Under the SDK's one-second deadlock detector; the test releases it within milliseconds.
              r.await(800, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          super.handleSignal(input);
        }
      };
    }
  }

  /**
   * An activity answer that stops until the test releases it, so the test can act while a phase is inside
   * that activity (Temporal does not skip time while an activity runs).
   */
  static final class Hold<T> implements Answer<T> {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final T value;

    Hold(T value) {
      this.value = value;
    }

    @Override
    public T answer(org.mockito.invocation.InvocationOnMock invocation) throws InterruptedException {
      entered.countDown();
      if (!released.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("held activity " + invocation.getMethod().getName() + " never released");
      }
      return value;
    }

    /** Moves workflow time (a dual-write check window, say) until a phase calls the held activity. */
    void awaitEntered(MigrationHarness h) {
      h.advanceUntil("the held activity to be called", () -> entered.getCount() == 0);
    }

    void release() {
      released.countDown();
    }
  }
}
