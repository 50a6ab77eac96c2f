package dev.cutover.migration;

import dev.cutover.TaskQueue;
import dev.cutover.backfill.BackfillActivities;
import dev.cutover.backfill.BackfillWorkflow;
import dev.cutover.baseline.BaselineActivities;
import dev.cutover.baseline.BaselineReport;
import dev.cutover.baseline.BaselineWorkflow;
import dev.cutover.decommission.DecommissionWorkflow;
import dev.cutover.decommission.DropLegacyWorkflow;
import dev.cutover.dualwrite.DualWriteActivities;
import dev.cutover.dualwrite.DualWriteWorkflow;
import dev.cutover.failure.Failures;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagActivities;
import dev.cutover.migration.MigrationStatus.Approval;
import dev.cutover.migration.MigrationStatus.PhaseRecord;
import dev.cutover.migration.MigrationStatus.State;
import dev.cutover.readcutover.ReadCutoverWorkflow;
import dev.cutover.reconcile.ReconcileWorkflow;
import dev.cutover.runbook.Problem;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookValidator;
import dev.cutover.writecutover.WriteCutoverActivities;
import dev.cutover.writecutover.WriteCutoverWorkflow;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class MigrationWorkflowImpl implements MigrationWorkflow {
  /** The final failure type, so the Temporal UI shows a failed migration as failed. */
  public static final String MIGRATION_FAILED = "MigrationFailed";

  private static final Logger log = Workflow.getLogger(MigrationWorkflowImpl.class);

  private final FlagActivities flags = Workflow.newActivityStub(FlagActivities.class, PhaseOptions.shortSql());
  private final BaselineActivities baselineSql =
      Workflow.newActivityStub(BaselineActivities.class, PhaseOptions.shortSql());
  private final DualWriteActivities dualWriteSql =
      Workflow.newActivityStub(DualWriteActivities.class, PhaseOptions.shortSql());
  private final BackfillActivities backfillSql =
      Workflow.newActivityStub(BackfillActivities.class, PhaseOptions.shortSql());
  private final WriteCutoverActivities writeCutoverSql =
      Workflow.newActivityStub(WriteCutoverActivities.class, PhaseOptions.shortSql());

  private Runbook runbook;
  private String id;
  private String startedBy;
  private String startedAt;
  private String endedAt;
  private State state = State.RUNNING;
  private String phase;
  private String pendingGate;
  private String pendingSince;
  private String failure;
  private final List<Approval> approvals = new ArrayList<>();
  private final List<PhaseRecord> phases = new ArrayList<>();
  private final Set<String> opened = new HashSet<>();
  private final List<String> compensationsRun = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private MigrationStatus.Progress progress;
  private MigrationStatus.ReconcileCycle reconcile;
  private BaselineReport baseline;
  private Abort abort;
  private boolean pastPointOfNoReturn;
  private CancellationScope running;
  private final Deque<Compensation> saga = new ArrayDeque<>();

  private record Compensation(String name, Functions.Proc action) {}

  /** Thrown inside the workflow thread when an abort arrives while waiting at a gate. */
  private static final class Aborted extends RuntimeException {}

  @Override
  public MigrationStatus run(Request request) {
    runbook = request.runbook();
    startedBy = request.startedBy();
    id = Workflow.getInfo().getWorkflowId();
    startedAt = WorkflowClock.now();
    try {
      List<Problem> problems = RunbookValidator.validate(runbook);
      if (!problems.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure(problems.stream().map(p -> p.path() + ": " + p.message())
            .collect(Collectors.joining("; ")), Failures.INVALID_RUNBOOK);
      }
      if (runbook.gates().twoPersonRule() && (startedBy == null || startedBy.isBlank())) {
        throw ApplicationFailure.newNonRetryableFailure("gates.twoPersonRule: name who starts the migration (--as),"
            + " or the starter could approve their own gates", Failures.INVALID_RUNBOOK);
      }
      runPhases();
      state = State.COMPLETED;
    } catch (Aborted e) {
      rollBack();
    } catch (TemporalFailure e) {
      if (abort != null && isCancellation(e)) {
        rollBack();
      } else {
        fail(e);
      }
    }
    endedAt = WorkflowClock.now();
    pendingGate = null;
    MigrationStatus result = status();
    if (state == State.FAILED) {
      throw ApplicationFailure.newNonRetryableFailure(
          "migration " + id + " failed: " + failure, MIGRATION_FAILED, result);
    }
    return result;
  }

  private void runPhases() {
    // Added after the first recorded histories: a replayed run without the claim keeps running without it.
    boolean claims = Workflow.getVersion("table-claim", Workflow.DEFAULT_VERSION, 1) >= 1;
    if (claims) {
      compensate("release the tables", () -> baselineSql.releaseTables(runbook, owner()));
      baselineSql.claimTables(runbook, owner());
    }
    if (runbook.target().create()) {
      compensate("drop the target table created by expand", () -> baselineSql.dropCreatedTarget(runbook));
    }
    baseline = phase("baseline", BaselineWorkflow.class, (w, by) -> w.inspect(runbook),
        r -> "source ~" + r.sourceRowEstimate() + " rows, " + r.findings().size() + " finding(s)");

    gate("dual-write");
    compensate("drop the sync trigger and set dual_write=0", () -> {
      dualWriteSql.removeSyncTrigger(runbook);
      flags.setFlag(flagChange(Flag.DUAL_WRITE, 0));
    });
    phase("dual-write", DualWriteWorkflow.class, (w, by) -> w.enable(runbook, by),
        r -> "sync trigger installed; " + r.checked() + " recent write(s) verified");

    gate("backfill");
    if (runbook.rollback().truncateTarget()) {
      compensate("truncate the target table", () -> backfillSql.truncateTarget(runbook));
    }
    phase("backfill", BackfillWorkflow.class, (w, by) -> w.copy(runbook, null),
        r -> r.rowsCopied() + " rows copied in " + r.partitions().size() + " partition(s)");

    gate("reconcile");
    phase("reconcile", ReconcileWorkflow.class, (w, by) -> w.reconcile(runbook, null),
        r -> r.cycles() + " cycle(s), last drift " + r.last().driftRatio());

    List<String> readGates = runbook.readCutoverGates();
    for (int i = 0; i < readGates.size(); i++) {
      String g = readGates.get(i);
      int percent = runbook.readCutover().steps().get(i);
      gate(g);
      if (i == 0) {
        compensate("set read_percent=0", () -> flags.setFlag(flagChange(Flag.READ_PERCENT, 0)));
      }
      phase(g, ReadCutoverWorkflow.class, (w, by) -> w.step(runbook, percent, by),
          r -> "read_percent=" + r + ", soaked " + runbook.readCutover().soak());
    }

    gate("write-cutover");
    compensate("set write_target=0 and drop the reverse trigger", () -> {
      flags.setFlag(flagChange(Flag.WRITE_TARGET, 0));
      writeCutoverSql.removeReverseTrigger(runbook);
    });
    phase("write-cutover", WriteCutoverWorkflow.class, (w, by) -> {
      w.moveWrites(runbook, by);
      return "write_target=1";
    }, r -> "writes moved to the new table; reverse sync keeps the legacy table current");

    decommission();

    Workflow.sleep(runbook.decommission().retainDuration());
    gate("drop-legacy");
    phase("drop-legacy", DropLegacyWorkflow.class, (w, by) -> w.drop(runbook, by), r -> r);
    if (claims) {
      baselineSql.releaseTables(runbook, owner());
    }
  }

  /** Who holds the tables: this run, named so another namespace's run of the same runbook is refused. */
  private String owner() {
    return Workflow.getInfo().getNamespace() + "/" + id + "/" + Workflow.getInfo().getRunId();
  }

  /**
   * The point of no return. Decommission refuses, before changing anything, while the legacy table is
   * still written directly; then the gate opens again and abort is still possible.
   */
  private void decommission() {
    while (true) {
      gate("decommission");
      pastPointOfNoReturn = true;
      try {
        phase("decommission", DecommissionWorkflow.class, (w, by) -> w.retire(runbook, by), r -> r);
        return;
      } catch (ChildWorkflowFailure e) {
        ApplicationFailure cause = applicationCause(e);
        if (cause == null || !Failures.LEGACY_STILL_WRITTEN.equals(cause.getType())) {
          throw e;
        }
        pastPointOfNoReturn = false;
        opened.remove("decommission");
        refusals.add(WorkflowClock.now() + " decommission refused: " + cause.getOriginalMessage());
        log.warn("decommission refused: {}", cause.getOriginalMessage());
      }
    }
  }

  private FlagActivities.FlagChange flagChange(Flag flag, int value) {
    String by = abort != null ? abort.by() : "cutover";
    return new FlagActivities.FlagChange(runbook.source().connection(), runbook.name(), flag, value, by);
  }

  /** Registered before the step it undoes: a step that timed out may still have happened. */
  private void compensate(String name, Functions.Proc action) {
    saga.push(new Compensation(name, action));
  }

  private void gate(String gate) {
    if (abort != null) {
      throw new Aborted();
    }
    if (runbook.gates().auto().contains(gate)) {
      opened.add(gate);
      approvals.add(new Approval(gate, "auto", "listed in gates.auto", WorkflowClock.now()));
      return;
    }
    pendingGate = gate;
    pendingSince = WorkflowClock.now();
    Workflow.await(() -> opened.contains(gate) || abort != null);
    pendingGate = null;
    pendingSince = null;
    if (abort != null) {
      throw new Aborted();
    }
  }

  private <W, R> R phase(String name, Class<W> type, Functions.Func2<W, String, R> body,
      Functions.Func1<R, String> summary) {
    if (abort != null) {
      throw new Aborted();
    }
    String childId = id + "/" + name;
    phase = name;
    int index = phases.size();
    String started = WorkflowClock.now();
    phases.add(new PhaseRecord(name, childId, "RUNNING", started, null, null));
    W child = Workflow.newChildWorkflowStub(type, ChildWorkflowOptions.newBuilder()
        .setWorkflowId(childId)
        .setTaskQueue(TaskQueue.NAME)
        .setCancellationType(ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
        .build());
    String by = lastApprover(name);
    List<R> result = new ArrayList<>(1);
    running = Workflow.newCancellationScope(() -> {
      result.add(body.apply(child, by));
    });
    try {
      running.run();
    } catch (TemporalFailure e) {
      String how = abort != null && isCancellation(e) ? "CANCELED" : "FAILED";
      phases.set(index, new PhaseRecord(name, childId, how, started, WorkflowClock.now(), rootMessage(e)));
      throw e;
    } finally {
      running = null;
    }
    R r = result.get(0);
    phases.set(index, new PhaseRecord(name, childId, "COMPLETED", started, WorkflowClock.now(), summary.apply(r)));
    return r;
  }

  private String lastApprover(String gate) {
    for (int i = approvals.size() - 1; i >= 0; i--) {
      if (approvals.get(i).gate().equals(gate)) {
        return approvals.get(i).approver();
      }
    }
    return startedBy;
  }

  private void rollBack() {
    failure = "aborted by " + abort.by() + ": " + abort.reason();
    runCompensations();
    state = State.ROLLED_BACK;
  }

  private void fail(TemporalFailure e) {
    failure = (phase == null ? "" : "phase " + phase + ": ") + rootMessage(e);
    log.error("migration {} failed: {}", id, failure);
    if (!pastPointOfNoReturn) {
      runCompensations();
    }
    state = State.FAILED;
  }

  /** In reverse order of registration, detached so the abort's cancellation does not cancel them. */
  private void runCompensations() {
    phase = "rollback";
    Workflow.newDetachedCancellationScope(() -> {
      while (!saga.isEmpty()) {
        Compensation c = saga.pop();
        try {
          c.action().apply();
          compensationsRun.add(c.name());
        } catch (ActivityFailure e) {
          compensationsRun.add(c.name() + " (FAILED: " + rootMessage(e) + ")");
        }
      }
    }).run();
  }

  private static boolean isCancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }

  private static ApplicationFailure applicationCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure a) {
        return a;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    ApplicationFailure a = applicationCause(e);
    if (a != null) {
      return a.getOriginalMessage();
    }
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof TemporalFailure tf ? tf.getOriginalMessage() : String.valueOf(t.getMessage());
  }

  @Override
  public MigrationStatus status() {
    return new MigrationStatus(id, state, phase, pendingGate, pendingSince, waitingFor(), List.copyOf(approvals),
        List.copyOf(phases), progress, reconcile, baseline, startedBy, startedAt, endedAt, failure,
        List.copyOf(compensationsRun), List.copyOf(refusals));
  }

  private String waitingFor() {
    if (pendingGate == null) {
      return null;
    }
    List<String> who = new ArrayList<>(runbook.gates().approvers());
    if (runbook.gates().twoPersonRule()) {
      who.remove(startedBy);
    }
    String people = who.isEmpty() ? "any named approver" : "one of " + String.join(", ", who);
    if (pendingGate.equals("drop-legacy")) {
      return "approval by " + people + " to drop the retired legacy table (kept " + runbook.decommission().retain() + ")";
    }
    if (pendingGate.equals("decommission")) {
      return "approval by " + people + " to pass the point of no return";
    }
    return "approval by " + people;
  }

  @Override
  public void validateApprove(Approve request) {
    String refusal = approvalRefusal(request);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  private String approvalRefusal(Approve request) {
    if (request == null || request.gate() == null || request.gate().isBlank()) {
      return "name the gate to approve";
    }
    if (request.approver() == null || request.approver().isBlank()) {
      return "name the approver (--as)";
    }
    if (state != State.RUNNING) {
      return "migration " + id + " has ended " + state;
    }
    if (abort != null) {
      return "migration " + id + " is being aborted by " + abort.by();
    }
    if (pendingGate == null) {
      return "gate '" + request.gate() + "' is not pending; no gate is pending"
          + (phase == null ? "" : " (phase " + phase + " is running)");
    }
    if (!pendingGate.equals(request.gate())) {
      return "gate '" + request.gate() + "' is not pending; the pending gate is '" + pendingGate + "'";
    }
    // pendingGate is cleared only when the main thread resumes; a second approval delivered in the same
    // workflow task as the first still finds it set.
    if (opened.contains(request.gate())) {
      return "gate '" + request.gate() + "' is already approved";
    }
    List<String> allowed = runbook.gates().approvers();
    if (!allowed.isEmpty() && !allowed.contains(request.approver())) {
      return "approver '" + request.approver() + "' is not on gates.approvers " + allowed;
    }
    if (runbook.gates().twoPersonRule() && request.approver().equals(startedBy)) {
      return "two-person rule: " + startedBy + " started this migration and may not approve its gates";
    }
    return null;
  }

  @Override
  public Approval approve(Approve request) {
    String refusal = approvalRefusal(request);
    if (refusal != null) {
      throw ApplicationFailure.newFailure(refusal, "ApprovalRefused");
    }
    Approval a = new Approval(request.gate(), request.approver(), request.comment(), WorkflowClock.now());
    approvals.add(a);
    opened.add(request.gate());
    log.info("gate {} approved by {}: {}", request.gate(), request.approver(), request.comment());
    return a;
  }

  @Override
  public void approveSignal(Approve request) {
    String refusal = approvalRefusal(request);
    if (refusal != null) {
      refusals.add(WorkflowClock.now() + " approve signal refused: " + refusal);
      return;
    }
    approve(request);
  }

  @Override
  public void validateAbort(Abort request) {
    String refusal = abortRefusal(request);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  private String abortRefusal(Abort request) {
    if (request == null || request.by() == null || request.by().isBlank()) {
      return "name who aborts (--as)";
    }
    if (request.reason() == null || request.reason().isBlank()) {
      return "give a reason (--reason); it is kept in the history";
    }
    if (state != State.RUNNING) {
      return "migration " + id + " has ended " + state;
    }
    if (abort != null) {
      return "abort already in progress (requested by " + abort.by() + ")";
    }
    if (failure != null) {
      // fail() is already running the compensations; an abort now would only relabel them.
      return "migration " + id + " has failed and is compensating; it ends FAILED";
    }
    if (pastPointOfNoReturn) {
      return "decommission has started: past the point of no return, the new table is the only source of truth";
    }
    return null;
  }

  @Override
  public String abort(Abort request) {
    String refusal = abortRefusal(request);
    if (refusal != null) {
      throw ApplicationFailure.newFailure(refusal, "AbortRefused");
    }
    abort = request;
    log.warn("abort requested by {}: {}", request.by(), request.reason());
    if (running != null) {
      running.cancel("aborted by " + request.by());
    }
    List<String> steps = saga.stream().map(Compensation::name).toList();
    return steps.isEmpty() ? "aborting; nothing to compensate"
        : "aborting; compensations in order: " + String.join(", ", steps);
  }

  @Override
  public void abortSignal(Abort request) {
    String refusal = abortRefusal(request);
    if (refusal != null) {
      refusals.add(WorkflowClock.now() + " abort signal refused: " + refusal);
      return;
    }
    abort(request);
  }

  @Override
  public void reportProgress(MigrationStatus.Progress p) {
    progress = p;
  }

  @Override
  public void reportReconcile(MigrationStatus.ReconcileCycle cycle) {
    reconcile = cycle;
  }

}
