package dev.cutover.migration;

import static dev.cutover.migration.MigrationHarness.APPROVER;
import static dev.cutover.migration.MigrationHarness.ID;
import static dev.cutover.migration.MigrationHarness.RUNBOOK;
import static dev.cutover.migration.MigrationHarness.STARTER;
import static dev.cutover.migration.MigrationHarness.comment;
import static dev.cutover.migration.MigrationHarness.flag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.cutover.TaskQueue;
import dev.cutover.backfill.BackfillActivities.Partition;
import dev.cutover.backfill.BackfillActivities.SliceResult;
import dev.cutover.baseline.BaselineReport;
import dev.cutover.failure.Failures;
import dev.cutover.flags.Flag;
import dev.cutover.migration.MigrationStatus.Approval;
import dev.cutover.migration.MigrationStatus.PhaseRecord;
import dev.cutover.migration.MigrationStatus.State;
import dev.cutover.migration.MigrationWorkflow.Abort;
import dev.cutover.migration.MigrationWorkflow.Approve;
import dev.cutover.reconcile.ReconcileActivities.CycleResult;
import dev.cutover.reconcile.ReconcileActivities.Mismatch;
import dev.cutover.runbook.Runbook;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.InOrder;

class MigrationWorkflowTests {
  private static final String REASON = "p99 latency doubled on the new table";
  private static final List<String> PHASES = List.of("baseline", "dual-write", "backfill", "reconcile", "read-cutover",
      "read-cutover-10", "read-cutover-50", "read-cutover-100", "write-cutover", "decommission", "drop-legacy");

  private final MigrationHarness h = new MigrationHarness();

  @AfterEach
  void stopTestServer() {
    h.close();
  }

  @Nested
  class HappyPath {
    @Test
    void completesEveryPhaseInOrderAfterEachGateIsApproved() {
      MigrationStatus end = h.runToCompletion();

      assertThat(end.state()).isEqualTo(State.COMPLETED);
      assertThat(end.failure()).isNull();
      assertThat(end.pendingGate()).isNull();
      assertThat(end.startedBy()).isEqualTo(STARTER);
      assertThat(end.phases()).extracting(PhaseRecord::name, PhaseRecord::workflowId, PhaseRecord::state)
          .containsExactlyElementsOf(PHASES.stream().map(p -> tuple(p, ID + "/" + p, "COMPLETED")).toList());
      assertThat(end.phases()).allSatisfy(p -> assertThat(p.endedAt()).isNotNull());
      assertThat(end.compensations()).isEmpty();
      assertThat(end.refusals()).isEmpty();
    }

    @Test
    void recordsEveryApprovalWithApproverAndCommentAndOpensAutoGatesItself() {
      MigrationStatus end = h.runToCompletion();

      List<Tuple> expected = new ArrayList<>();
      for (String gate : RUNBOOK.gateNames()) {
        expected.add(RUNBOOK.gates().auto().contains(gate)
            ? tuple(gate, "auto", "listed in gates.auto")
            : tuple(gate, APPROVER, comment(gate)));
      }
      assertThat(end.approvals()).extracting(Approval::gate, Approval::approver, Approval::comment)
          .containsExactlyElementsOf(expected);
      assertThat(end.approvals()).allSatisfy(a -> assertThat(a.at()).isNotBlank());
      assertThat(end.approvals()).extracting(Approval::gate).contains(
          "read-cutover", "read-cutover-10", "read-cutover-50", "read-cutover-100");
    }

    @Test
    void setsTheFlagsInOrderAsTheApproverOfEachStep() {
      h.runToCompletion();

      assertThat(h.flagChanges()).containsExactly("dual_write=1 by bob", "read_percent=1 by bob",
          "read_percent=10 by bob", "read_percent=50 by bob", "read_percent=100 by bob", "write_target=1 by bob");
    }

    @Test
    void runsEachActivityWithTheRunbookItWasStartedWith() {
      MigrationStatus end = h.runToCompletion();

      InOrder order = inOrder(h.baseline, h.dualWrite, h.backfill, h.reconcile, h.writeCutover, h.decommission);
      order.verify(h.baseline).inspectTables(RUNBOOK);
      order.verify(h.dualWrite).installSyncTrigger(RUNBOOK);
      order.verify(h.dualWrite).verifyRecentWrites(RUNBOOK, 4242L);
      order.verify(h.backfill).planBackfill(RUNBOOK);
      order.verify(h.backfill, times(2)).copySlice(eq(RUNBOOK), any(), any(), anyLong());
      order.verify(h.backfill).finishBackfill(RUNBOOK);
      order.verify(h.reconcile, times(3)).reconcileCycle(RUNBOOK, true);
      order.verify(h.writeCutover).installReverseTrigger(RUNBOOK);
      order.verify(h.decommission).confirmNoLegacyWriters(RUNBOOK);
      order.verify(h.decommission).retireLegacyTable(RUNBOOK);
      order.verify(h.decommission).auditTarget(RUNBOOK);
      order.verify(h.decommission).dropRetiredTable(RUNBOOK);
      verify(h.baseline, never()).createTarget(any());
      verify(h.dualWrite, never()).removeSyncTrigger(any());
      verify(h.writeCutover, never()).removeReverseTrigger(any());
      verify(h.backfill, never()).truncateTarget(any());

      assertThat(end.baseline().sourceRowEstimate()).isEqualTo(1_000);
      assertThat(end.progress().done()).isEqualTo(1_000);
      assertThat(end.progress().percent()).isEqualTo(100.0);
      assertThat(end.reconcile().cycle()).isEqualTo(3);
      assertThat(end.reconcile().cleanStreak()).isEqualTo(3);
      assertThat(end.phases()).filteredOn(p -> p.name().equals("decommission")).singleElement()
          .extracting(PhaseRecord::summary).asString().contains("customers_retired");
    }

    @Test
    void holdsTheRetiredTableForTheRetentionPeriodBeforeTheLastGate() {
      h.start();
      h.approveUntil(RUNBOOK, "decommission");
      h.approve("decommission");
      long retiredAt = h.awaitStatus("decommission done", s -> s.phases().stream()
          .anyMatch(p -> p.name().equals("decommission") && p.state().equals("COMPLETED"))).phases().stream()
          .filter(p -> p.name().equals("decommission")).map(p -> Instant.parse(p.endedAt()))
          .findFirst().orElseThrow().toEpochMilli();

      MigrationStatus atLastGate = h.awaitGate("drop-legacy");

      assertThat(Instant.parse(atLastGate.pendingSince()).toEpochMilli() - retiredAt)
          .isGreaterThanOrEqualTo(RUNBOOK.decommission().retainDuration().toMillis());
      assertThat(atLastGate.waitingFor()).isEqualTo("approval by one of bob to drop the retired legacy table (kept 7d)");
      verify(h.decommission, never()).dropRetiredTable(any());
    }
  }

  @Nested
  class Approvals {
    @Test
    void refusesAGateThatIsNotPendingAndChangesNothing() {
      h.start();
      h.awaitGate("dual-write");

      assertRefused(new Approve("read-cutover", APPROVER, "too early"),
          "gate 'read-cutover' is not pending; the pending gate is 'dual-write'");
      assertNothingChangedAtDualWriteGate();
    }

    @Test
    void refusesAnApproverWhoIsNotOnTheList() {
      h.start();
      h.awaitGate("dual-write");

      assertRefused(new Approve("dual-write", "mallory", "trust me"),
          "approver 'mallory' is not on gates.approvers [alice, bob]");
      assertNothingChangedAtDualWriteGate();
    }

    @Test
    void refusesTheStarterUnderTheTwoPersonRule() {
      h.start();
      h.awaitGate("dual-write");

      assertRefused(new Approve("dual-write", STARTER, "my own change"),
          "two-person rule: alice started this migration and may not approve its gates");
      assertNothingChangedAtDualWriteGate();
    }

    @Test
    void refusesAnApprovalThatNamesNoApproverOrNoGate() {
      h.start();
      h.awaitGate("dual-write");

      assertRefused(new Approve("dual-write", "", "anonymous"), "name the approver (--as)");
      assertRefused(new Approve("dual-write", null, "anonymous"), "name the approver (--as)");
      assertRefused(new Approve(" ", APPROVER, "which one?"), "name the gate to approve");
      assertNothingChangedAtDualWriteGate();
    }

    @Test
    void refusesAnApprovalWhileAPhaseRuns() {
      MigrationHarness.Hold<BaselineReport> hold = new MigrationHarness.Hold<>(
          new BaselineReport(List.of(), 10, 10, 0, 0, List.of(), 10, false));
      doAnswer(hold).when(h.baseline).inspectTables(any());
      h.start();
      hold.awaitEntered(h);

      assertRefused(new Approve("dual-write", APPROVER, "eager"),
          "gate 'dual-write' is not pending; no gate is pending (phase baseline is running)");
      hold.release();
      assertThat(h.awaitGate("dual-write").approvals()).isEmpty();
    }

    @Test
    void theSignalTwinRecordsARefusalAndChangesNothing() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");

      wf.approveSignal(new Approve("dual-write", "mallory", "via signal"));
      MigrationStatus s = h.awaitStatus("a refusal", st -> !st.refusals().isEmpty());

      assertThat(s.refusals()).singleElement().asString()
          .endsWith("approve signal refused: approver 'mallory' is not on gates.approvers [alice, bob]");
      assertNothingChangedAtDualWriteGate();
    }

    @Test
    void theSignalTwinApprovesAValidRequest() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");

      wf.approveSignal(new Approve("dual-write", APPROVER, "via signal"));
      MigrationStatus s = h.awaitGate("read-cutover");

      assertThat(s.approvals()).first().extracting(Approval::gate, Approval::approver, Approval::comment)
          .containsExactly("dual-write", APPROVER, "via signal");
      assertThat(s.refusals()).isEmpty();
      verify(h.dualWrite).installSyncTrigger(RUNBOOK);
    }

    @Test
    void acceptsOnlyTheFirstOfTwoApprovalsThatArriveTogether() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");

      sendTogether(wf, () -> {
        wf.approveSignal(new Approve("dual-write", APPROVER, "first"));
        wf.approveSignal(new Approve("dual-write", APPROVER, "second"));
      });
      MigrationStatus s = h.awaitGate("read-cutover");

      assertThat(s.approvals()).filteredOn(a -> a.gate().equals("dual-write"))
          .extracting(Approval::comment).containsExactly("first");
      assertThat(s.refusals()).singleElement().asString()
          .endsWith("approve signal refused: gate 'dual-write' is already approved");
      verify(h.dualWrite).installSyncTrigger(RUNBOOK);
    }

    @Test
    void refusesAnApprovalThatArrivesTogetherWithAnAbort() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");

      sendTogether(wf, () -> {
        wf.abortSignal(new Abort(APPROVER, REASON));
        wf.approveSignal(new Approve("dual-write", APPROVER, "too late"));
      });
      MigrationStatus end = h.result();

      assertThat(end.state()).isEqualTo(State.ROLLED_BACK);
      assertThat(end.approvals()).isEmpty();
      assertThat(end.refusals()).singleElement().asString()
          .endsWith("approve signal refused: migration customers-v2 is being aborted by bob");
      verify(h.dualWrite, never()).installSyncTrigger(any());
    }

    /** Holds a workflow task while {@code send} runs, so what it sends arrives in one workflow task. */
    private void sendTogether(MigrationWorkflow wf, Runnable send) {
      h.heldSignal.arm();
      wf.reportProgress(new MigrationStatus.Progress("backfill", 0, 0, 0, 0, 0));
      h.heldSignal.awaitHeld();
      send.run();
      h.heldSignal.release();
    }

    @Test
    void letsAnyoneApproveWhenTheRunbookNamesNoApprovers() {
      Runbook open = Runbooks.withGates(RUNBOOK, new Runbook.Gates(List.of(), false, List.of("backfill", "reconcile")));
      h.start(open);

      h.awaitGate("dual-write");
      MigrationStatus.Approval a = h.handle().approve(new Approve("dual-write", STARTER, "solo"));

      assertThat(a.approver()).isEqualTo(STARTER);
      assertThat(h.awaitGate("read-cutover").waitingFor()).isEqualTo("approval by any named approver");
    }

    private void assertRefused(Approve request, String message) {
      WorkflowUpdateException e = catchThrowableOfType(WorkflowUpdateException.class,
          () -> h.handle().approve(request));
      assertThat(e).as("approve %s should be refused", request).isNotNull();
      assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
      assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage()).isEqualTo(message);
    }

    private void assertNothingChangedAtDualWriteGate() {
      MigrationStatus s = h.status();
      assertThat(s.state()).isEqualTo(State.RUNNING);
      assertThat(s.pendingGate()).isEqualTo("dual-write");
      assertThat(s.approvals()).isEmpty();
      assertThat(s.phases()).extracting(PhaseRecord::name).containsExactly("baseline");
      verify(h.dualWrite, never()).installSyncTrigger(any());
      assertThat(h.flagChanges()).isEmpty();
      assertThat(h.client.fetchHistory(ID).getEvents()).as("a refused update leaves no trace in the history")
          .noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    }
  }

  @Nested
  class Aborts {
    static Stream<Arguments> gates() {
      return Stream.of(
          Arguments.of("dual-write", List.of()),
          Arguments.of("read-cutover", List.of(Compensation.SYNC)),
          Arguments.of("read-cutover-10", List.of(Compensation.READ, Compensation.SYNC)),
          Arguments.of("read-cutover-50", List.of(Compensation.READ, Compensation.SYNC)),
          Arguments.of("read-cutover-100", List.of(Compensation.READ, Compensation.SYNC)),
          Arguments.of("write-cutover", List.of(Compensation.READ, Compensation.SYNC)),
          Arguments.of("decommission", List.of(Compensation.WRITE, Compensation.READ, Compensation.SYNC)));
    }

    @ParameterizedTest
    @MethodSource("gates")
    void anAbortAtAGateCompensatesInReverseAndRollsBack(String gate, List<Compensation> expected) {
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, gate);

      String reply = wf.abort(new Abort(APPROVER, REASON));

      assertThat(reply).isEqualTo("aborting; compensations in order: " + String.join(", ", Compensation.names(expected)));
      assertRolledBack(h.result(), RUNBOOK, expected);
      assertThat(h.status().phases()).extracting(PhaseRecord::state).containsOnly("COMPLETED");
    }

    @Test
    void anAbortAtAGateThatIsNotAutomaticHereCompensatesTheSyncOnly() {
      Runbook manual = Runbooks.withGates(RUNBOOK, new Runbook.Gates(List.of("alice", "bob"), true, List.of()));
      MigrationWorkflow wf = h.start(manual);
      h.approveUntil(manual, "reconcile");

      wf.abort(new Abort(APPROVER, REASON));

      assertRolledBack(h.result(), manual, List.of(Compensation.SYNC));
      verify(h.reconcile, never()).reconcileCycle(any(), anyBoolean());
    }

    @Test
    void anAbortWhileBaselineRunsRollsBackWithNothingToUndo() {
      MigrationHarness.Hold<BaselineReport> hold = new MigrationHarness.Hold<>(
          new BaselineReport(List.of(), 10, 10, 0, 0, List.of(), 10, false));
      doAnswer(hold).when(h.baseline).inspectTables(any());
      MigrationWorkflow wf = h.start();
      hold.awaitEntered(h);

      wf.abort(new Abort(APPROVER, REASON));
      h.awaitActivityCancelRequested("baseline");
      hold.release();

      assertRolledBack(h.result(), RUNBOOK, List.of());
      verify(h.dualWrite, never()).installSyncTrigger(any());
    }

    @Test
    void anAbortWhileDualWriteChecksRecentWritesRemovesTheTrigger() {
      MigrationWorkflow wf = h.start();
      h.approve("dual-write");
      verify(h.flags, timeout(5_000)).setFlag(flag(Flag.DUAL_WRITE, 1, APPROVER));
      h.awaitPhaseRunning("dual-write");

      wf.abort(new Abort(APPROVER, REASON));

      MigrationStatus end = h.result();
      assertRolledBack(end, RUNBOOK, List.of(Compensation.SYNC));
      assertPhaseCanceled(end, "dual-write");
      verify(h.dualWrite, never()).verifyRecentWrites(any(), anyLong());
    }

    @Test
    void anAbortWhileBackfillCopiesRemovesTheTrigger() {
      MigrationHarness.Hold<SliceResult> hold = new MigrationHarness.Hold<>(
          new SliceResult(List.of("500"), 500, 5, true, 100));
      doAnswer(hold).when(h.backfill).copySlice(any(), any(), any(), anyLong());
      MigrationWorkflow wf = h.start();
      h.approve("dual-write");
      hold.awaitEntered(h);

      wf.abort(new Abort(APPROVER, REASON));
      h.awaitActivityCancelRequested("backfill");
      hold.release();

      MigrationStatus end = h.result();
      assertRolledBack(end, RUNBOOK, List.of(Compensation.SYNC));
      assertPhaseCanceled(end, "backfill");
      verify(h.reconcile, never()).reconcileCycle(any(), anyBoolean());
    }

    @Test
    void anAbortWhileReconcileWaitsBetweenCyclesRemovesTheTrigger() {
      MigrationWorkflow wf = h.start();
      h.approve("dual-write");
      h.advanceUntil("the first reconcile cycle", () -> MigrationHarness.calls(h.reconcile, "reconcileCycle") == 1);
      h.awaitPhaseRunning("reconcile");

      wf.abort(new Abort(APPROVER, REASON));

      MigrationStatus end = h.result();
      assertRolledBack(end, RUNBOOK, List.of(Compensation.SYNC));
      assertPhaseCanceled(end, "reconcile");
      verify(h.reconcile, times(1)).reconcileCycle(any(), anyBoolean());
    }

    @Test
    void anAbortWhileAReadStepSoaksSetsReadsBackToTheLegacyTable() {
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, "read-cutover-10");
      h.approve("read-cutover-10");
      verify(h.flags, timeout(5_000)).setFlag(flag(Flag.READ_PERCENT, 10, APPROVER));
      h.awaitPhaseRunning("read-cutover-10");

      wf.abort(new Abort(APPROVER, REASON));

      MigrationStatus end = h.result();
      assertRolledBack(end, RUNBOOK, List.of(Compensation.READ, Compensation.SYNC));
      assertPhaseCanceled(end, "read-cutover-10");
      assertThat(h.flagChanges()).containsExactly("dual_write=1 by bob", "read_percent=1 by bob",
          "read_percent=10 by bob", "read_percent=0 by bob", "dual_write=0 by bob");
    }

    @Test
    void anAbortWhileWriteCutoverInstallsTheReverseTriggerUndoesItAndNeverMovesWrites() {
      MigrationHarness.Hold<Void> hold = new MigrationHarness.Hold<>(null);
      doAnswer(hold).when(h.writeCutover).installReverseTrigger(any());
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, "write-cutover");
      h.approve("write-cutover");
      hold.awaitEntered(h);

      wf.abort(new Abort(APPROVER, REASON));
      h.awaitActivityCancelRequested("write-cutover");
      hold.release();

      MigrationStatus end = h.result();
      assertRolledBack(end, RUNBOOK, List.of(Compensation.WRITE, Compensation.READ, Compensation.SYNC));
      assertPhaseCanceled(end, "write-cutover");
      assertThat(h.flagChanges()).doesNotContain("write_target=1 by bob").endsWith(
          "write_target=0 by bob", "read_percent=0 by bob", "dual_write=0 by bob");
    }

    @Test
    void theSignalTwinAbortsToo() {
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, "read-cutover");

      wf.abortSignal(new Abort(APPROVER, REASON));

      assertRolledBack(h.result(), RUNBOOK, List.of(Compensation.SYNC));
    }

    @Test
    void aRefusedAbortSignalIsRecordedAndChangesNothing() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");

      wf.abortSignal(new Abort(APPROVER, " "));
      MigrationStatus s = h.awaitStatus("a refusal", st -> !st.refusals().isEmpty());

      assertThat(s.refusals()).singleElement().asString()
          .endsWith("abort signal refused: give a reason (--reason); it is kept in the history");
      assertThat(s.state()).isEqualTo(State.RUNNING);
      assertThat(s.pendingGate()).isEqualTo("dual-write");
    }

    @Test
    void refusesAnAbortWithoutAReasonOrWithoutWho() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");

      assertAbortRefused(wf, new Abort(APPROVER, null), "give a reason (--reason); it is kept in the history");
      assertAbortRefused(wf, new Abort(APPROVER, ""), "give a reason (--reason); it is kept in the history");
      assertAbortRefused(wf, new Abort(null, REASON), "name who aborts (--as)");
      assertThat(h.status().pendingGate()).isEqualTo("dual-write");
      assertThat(h.status().state()).isEqualTo(State.RUNNING);
    }

    @Test
    void refusesASecondAbortWhileTheFirstIsUnderway() {
      MigrationHarness.Hold<SliceResult> hold = new MigrationHarness.Hold<>(
          new SliceResult(List.of("500"), 500, 5, true, 100));
      doAnswer(hold).when(h.backfill).copySlice(any(), any(), any(), anyLong());
      MigrationWorkflow wf = h.start();
      h.approve("dual-write");
      hold.awaitEntered(h);
      wf.abort(new Abort(APPROVER, REASON));

      assertAbortRefused(wf, new Abort(STARTER, "me too"), "abort already in progress (requested by bob)");
      hold.release();
      assertThat(h.result().failure()).isEqualTo("aborted by bob: " + REASON);
    }

    @Test
    void refusesAnAbortOnceDecommissionHasStarted() {
      MigrationHarness.Hold<Void> hold = new MigrationHarness.Hold<>(null);
      doAnswer(hold).when(h.decommission).confirmNoLegacyWriters(any());
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, "decommission");
      h.approve("decommission");
      hold.awaitEntered(h);

      assertAbortRefused(wf, new Abort(APPROVER, REASON), "decommission has started: past the point of no return,"
          + " the new table is the only source of truth");
      hold.release();
      h.awaitGate("drop-legacy");
      assertAbortRefused(wf, new Abort(APPROVER, REASON), "decommission has started: past the point of no return,"
          + " the new table is the only source of truth");
      h.approve("drop-legacy");

      MigrationStatus end = h.result();
      assertThat(end.state()).isEqualTo(State.COMPLETED);
      assertThat(end.compensations()).isEmpty();
      for (Compensation c : Compensation.values()) {
        c.verifyNotRun(h);
      }
    }

    @Test
    void refusesAnAbortOrApprovalAfterTheMigrationEnded() {
      MigrationWorkflow wf = h.start();
      h.awaitGate("dual-write");
      wf.abort(new Abort(APPROVER, REASON));
      assertThat(h.result().state()).isEqualTo(State.ROLLED_BACK);

      // A closed workflow takes no updates: the server answers for it, before the validator could.
      assertThatThrownBy(() -> wf.abort(new Abort(APPROVER, "again"))).isInstanceOf(WorkflowNotFoundException.class);
      assertThatThrownBy(() -> wf.approve(new Approve("dual-write", APPROVER, "late")))
          .isInstanceOf(WorkflowNotFoundException.class);
      assertThat(h.status().compensations()).containsExactly(Compensation.RELEASE.title);
    }

    private void assertAbortRefused(MigrationWorkflow wf, Abort request, String message) {
      WorkflowUpdateException e = catchThrowableOfType(WorkflowUpdateException.class, () -> wf.abort(request));
      assertThat(e).as("abort %s should be refused", request).isNotNull();
      assertThat(((ApplicationFailure) e.getCause()).getOriginalMessage()).isEqualTo(message);
    }

    private void assertPhaseCanceled(MigrationStatus end, String phase) {
      assertThat(end.phases()).last().extracting(PhaseRecord::name, PhaseRecord::state)
          .containsExactly(phase, "CANCELED");
    }
  }

  @Nested
  class FailingPhases {
    @Test
    void aFailingPhaseFailsTheMigrationWithItsStatusAfterCompensating() {
      doThrow(ApplicationFailure.newNonRetryableFailure("row id=17 violates check constraint"
          + " customers_v2_balance_check", Failures.CONSTRAINT_VIOLATION))
          .when(h.backfill).copySlice(any(), any(), any(), anyLong());
      h.start();
      h.approve("dual-write");

      WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class, h::result);

      assertThat(e).isNotNull();
      ApplicationFailure failure = (ApplicationFailure) e.getCause();
      assertThat(failure.getType()).isEqualTo(MigrationWorkflowImpl.MIGRATION_FAILED);
      assertThat(failure.isNonRetryable()).isTrue();
      MigrationStatus end = failure.getDetails().get(MigrationStatus.class);
      assertThat(end.state()).isEqualTo(State.FAILED);
      assertThat(end.failure())
          .isEqualTo("phase backfill: row id=17 violates check constraint customers_v2_balance_check");
      assertThat(failure.getOriginalMessage()).isEqualTo("migration customers-v2 failed: " + end.failure());
      assertThat(end.phases()).last().extracting(PhaseRecord::name, PhaseRecord::state)
          .containsExactly("backfill", "FAILED");
      assertThat(end.compensations()).containsExactlyElementsOf(Compensation.names(List.of(Compensation.SYNC)));
      InOrder order = inOrder(h.dualWrite, h.flags);
      order.verify(h.dualWrite).removeSyncTrigger(RUNBOOK);
      order.verify(h.flags).setFlag(flag(Flag.DUAL_WRITE, 0, "cutover"));
      verify(h.backfill, never()).finishBackfill(any());
      verify(h.reconcile, never()).reconcileCycle(any(), anyBoolean());
    }

    @Test
    void refusesAnAbortWhileAFailedMigrationCompensates() {
      doThrow(ApplicationFailure.newNonRetryableFailure("mismatch", Failures.DUAL_WRITE_BROKEN))
          .when(h.dualWrite).verifyRecentWrites(any(), anyLong());
      MigrationHarness.Hold<Void> hold = new MigrationHarness.Hold<>(null);
      doAnswer(hold).when(h.dualWrite).removeSyncTrigger(any());
      MigrationWorkflow wf = h.start();
      h.approve("dual-write");
      hold.awaitEntered(h);

      WorkflowUpdateException refused = catchThrowableOfType(WorkflowUpdateException.class,
          () -> wf.abort(new Abort(APPROVER, REASON)));
      hold.release();

      assertThat(refused).as("abort during the compensations of a failure").isNotNull();
      assertThat(((ApplicationFailure) refused.getCause()).getOriginalMessage())
          .isEqualTo("migration customers-v2 has failed and is compensating; it ends FAILED");
      MigrationStatus end = catchThrowableOfType(WorkflowFailedException.class, h::result).getCause() instanceof
          ApplicationFailure a ? a.getDetails().get(MigrationStatus.class) : null;
      assertThat(end.state()).isEqualTo(State.FAILED);
      assertThat(end.failure()).isEqualTo("phase dual-write: mismatch");
      verify(h.flags).setFlag(flag(Flag.DUAL_WRITE, 0, "cutover"));
    }

    @Test
    void aBlockingBaselineFindingFailsBeforeAnythingIsInstalled() {
      doReturn(new BaselineReport(List.of(new BaselineReport.Finding(BaselineReport.Severity.BLOCKING, "target-key",
          "public.customers_v2 has no primary key")), 10, 10, 0, 0, List.of(), 10, false))
          .when(h.baseline).inspectTables(any());
      h.start();

      WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class, h::result);

      MigrationStatus end = ((ApplicationFailure) e.getCause()).getDetails().get(MigrationStatus.class);
      assertThat(end.state()).isEqualTo(State.FAILED);
      assertThat(end.failure()).startsWith("phase baseline: baseline found 1 blocking problem(s):")
          .contains("target-key: public.customers_v2 has no primary key");
      assertThat(end.compensations()).as("only the table claim is undone").containsExactly(Compensation.RELEASE.title);
      verify(h.dualWrite, never()).installSyncTrigger(any());
    }

    @Test
    void anInvalidRunbookFailsBeforeAnyActivity() {
      Runbook bad = Runbooks.withGates(RUNBOOK,
          new Runbook.Gates(List.of("alice", "bob"), true, List.of("decommission")));
      h.start(bad);

      WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class, h::result);

      MigrationStatus end = ((ApplicationFailure) e.getCause()).getDetails().get(MigrationStatus.class);
      assertThat(end.failure()).isEqualTo(
          "/gates/auto/0: gate 'decommission' is past the point of no return and always needs a person");
      assertThat(end.phases()).isEmpty();
      verify(h.baseline, never()).inspectTables(any());
    }

    @Test
    void aRefusedDecommissionOpensItsGateAgainAndAbortIsPossibleAgain() {
      doThrow(ApplicationFailure.newNonRetryableFailure("3 direct writes to public.customers in the last 1m",
          Failures.LEGACY_STILL_WRITTEN)).doNothing().when(h.decommission).confirmNoLegacyWriters(any());
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, "decommission");
      h.approve("decommission");

      MigrationStatus refused = h.awaitStatus("decommission pending again",
          s -> !s.refusals().isEmpty() && "decommission".equals(s.pendingGate()));

      assertThat(refused.refusals()).singleElement().asString()
          .endsWith("decommission refused: 3 direct writes to public.customers in the last 1m");
      assertThat(refused.phases()).last().extracting(PhaseRecord::name, PhaseRecord::state)
          .containsExactly("decommission", "FAILED");
      verify(h.decommission, never()).retireLegacyTable(any());
      assertThat(wf.abort(new Abort(APPROVER, "legacy writers remain"))).isEqualTo("aborting; compensations in order: "
          + String.join(", ", Compensation.names(List.of(Compensation.WRITE, Compensation.READ, Compensation.SYNC))));
      MigrationStatus end = h.result();
      assertRolledBack(end, RUNBOOK, List.of(Compensation.WRITE, Compensation.READ, Compensation.SYNC));
    }

    @Test
    void aSecondDecommissionApprovalAfterARefusalCompletes() {
      doThrow(ApplicationFailure.newNonRetryableFailure("3 direct writes to public.customers in the last 1m",
          Failures.LEGACY_STILL_WRITTEN)).doNothing().when(h.decommission).confirmNoLegacyWriters(any());
      h.start();
      h.approveUntil(RUNBOOK, "decommission");
      h.approve("decommission");
      h.awaitStatus("decommission pending again",
          s -> !s.refusals().isEmpty() && "decommission".equals(s.pendingGate()));

      h.approve("decommission");
      h.approve("drop-legacy");

      MigrationStatus end = h.result();
      assertThat(end.state()).isEqualTo(State.COMPLETED);
      assertThat(end.phases()).filteredOn(p -> p.name().equals("decommission"))
          .extracting(PhaseRecord::state).containsExactly("FAILED", "COMPLETED");
      assertThat(end.approvals()).filteredOn(a -> a.gate().equals("decommission")).hasSize(2);
      verify(h.decommission, times(2)).confirmNoLegacyWriters(RUNBOOK);
      verify(h.decommission).retireLegacyTable(RUNBOOK);
      assertThat(end.compensations()).isEmpty();
    }
  }

  @Nested
  class LongPhases {
    private static final int ROUNDS = 250;

    @Test
    void aLongBackfillContinuesAsNewCarryingItsCursorsAndReportsProgressSparingly() {
      Map<Integer, List<List<String>>> cursorsSeen = new ConcurrentHashMap<>();
      doAnswer(i -> {
        Partition p = i.getArgument(1);
        List<String> cursor = i.getArgument(2);
        List<List<String>> seen = cursorsSeen.computeIfAbsent(p.index(), k -> new CopyOnWriteArrayList<>());
        seen.add(cursor);
        int round = seen.size();
        return new SliceResult(
            List.of(p.index() + "-" + round), 10, 1, round == ROUNDS, 20_000);
      }).when(h.backfill).copySlice(any(), any(), any(), anyLong());
      h.start();
      h.approve("dual-write");

      MigrationStatus atReadGate = h.awaitGate("read-cutover");

      for (int part = 0; part < 2; part++) {
        List<List<String>> seen = cursorsSeen.get(part);
        assertThat(seen).hasSize(ROUNDS);
        assertThat(seen.get(0)).isEqualTo(part == 0 ? null : List.of("500"));
        for (int round = 1; round < ROUNDS; round++) {
          assertThat(seen.get(round)).as("partition %d round %d resumes from the last cursor", part, round + 1)
              .containsExactly(part + "-" + round);
        }
      }
      List<HistoryEvent> childStarts = h.client.fetchHistory(ID + "/backfill").getEvents();
      assertThat(childStarts.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId())
          .as("the last backfill run continued an earlier one").isNotEmpty();
      verify(h.backfill, times(1)).planBackfill(RUNBOOK);
      verify(h.backfill, times(1)).finishBackfill(RUNBOOK);
      assertThat(atReadGate.progress().done()).isEqualTo(2L * ROUNDS * 10);
      assertThat(atReadGate.phases()).filteredOn(p -> p.name().equals("backfill")).singleElement()
          .extracting(PhaseRecord::summary).isEqualTo(2 * ROUNDS * 10 + " rows copied in 2 partition(s)");
      long progressSignals = h.client.fetchHistory(ID).getEvents().stream()
          .filter(e -> e.hasWorkflowExecutionSignaledEventAttributes()
              && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("reportProgress"))
          .count();
      assertThat(progressSignals).as("progress reports in the migration's own history").isLessThanOrEqualTo(6);
    }
  }

  @Nested
  class Reconciling {
    @Test
    void passesOnlyAfterTheConfiguredNumberOfConsecutiveCleanCycles() {
      CycleResult dirty = new CycleResult(
          1_000, 1, 1, 5, 5, 0.005, 80, List.of(new Mismatch(
              "id=7", "changed", "last_name", "Smith", "Smyth")));
      CycleResult clean = new CycleResult(
          1_000, 1, 0, 0, 0, 0.0, 80, List.of());
      doReturn(dirty, clean, clean, dirty, clean, clean, clean).when(h.reconcile).reconcileCycle(any(), anyBoolean());
      h.start();
      h.approve("dual-write");

      MigrationStatus s = h.awaitGate("read-cutover");

      verify(h.reconcile, times(7)).reconcileCycle(RUNBOOK, true);
      assertThat(s.reconcile().cycle()).isEqualTo(7);
      assertThat(s.reconcile().cleanStreak()).isEqualTo(3);
      assertThat(s.phases()).filteredOn(p -> p.name().equals("reconcile")).singleElement()
          .extracting(PhaseRecord::summary).isEqualTo("7 cycle(s), last drift 0.0");
    }
  }

  @Nested
  class Starting {
    @Test
    void refusesToStartUnderTheTwoPersonRuleWithoutKnowingTheStarter() {
      MigrationWorkflow wf = h.client.newWorkflowStub(MigrationWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId(ID).setTaskQueue(TaskQueue.NAME).build());

      WorkflowFailedException e = catchThrowableOfType(WorkflowFailedException.class,
          () -> wf.run(new MigrationWorkflow.Request(RUNBOOK, " ")));

      MigrationStatus end = ((ApplicationFailure) e.getCause()).getDetails().get(MigrationStatus.class);
      assertThat(end.failure()).isEqualTo("gates.twoPersonRule: name who starts the migration (--as),"
          + " or the starter could approve their own gates");
      verify(h.baseline, never()).inspectTables(any());
    }
  }

  @Nested
  class RunbookOptions {
    @Test
    void truncateTargetAddsTheTruncateCompensationAfterBackfill() {
      Runbook rb = Runbooks.withRollback(RUNBOOK, new Runbook.Rollback(true));
      MigrationWorkflow wf = h.start(rb);
      h.approveUntil(rb, "read-cutover-10");

      wf.abort(new Abort(APPROVER, REASON));

      assertRolledBack(h.result(), rb, List.of(Compensation.READ, Compensation.TRUNCATE, Compensation.SYNC));
    }

    @Test
    void targetCreateCreatesTheTargetAndAddsDropCreatedTarget() {
      Runbook rb = Runbooks.withTarget(RUNBOOK, new Runbook.Target("primary", "public.customers_v2", true));
      MigrationWorkflow wf = h.start(rb);
      h.approveUntil(rb, "read-cutover");

      wf.abort(new Abort(APPROVER, REASON));

      MigrationStatus end = h.result();
      assertRolledBack(end, rb, List.of(Compensation.SYNC, Compensation.DROP_TARGET));
      verify(h.baseline).createTarget(rb);
      assertThat(end.baseline().targetCreated()).isTrue();
    }

    @Test
    void withoutTruncateTargetOrCreateNeitherCompensationIsRegistered() {
      MigrationWorkflow wf = h.start();
      h.approveUntil(RUNBOOK, "read-cutover-10");

      assertThat(wf.abort(new Abort(APPROVER, REASON))).isEqualTo(
          "aborting; compensations in order: set read_percent=0, drop the sync trigger and set dual_write=0,"
              + " release the tables");
      h.result();
      verify(h.backfill, never()).truncateTarget(any());
      verify(h.baseline, never()).dropCreatedTarget(any());
    }
  }

  /** The rolled-back end state, and the compensations run in order with the runbook the migration got. */
  private void assertRolledBack(MigrationStatus end, Runbook rb, List<Compensation> expected) {
    assertThat(end.state()).isEqualTo(State.ROLLED_BACK);
    assertThat(end.failure()).startsWith("aborted by bob: ");
    assertThat(end.phase()).isEqualTo("rollback");
    assertThat(end.pendingGate()).isNull();
    assertThat(end.endedAt()).isNotNull();
    assertThat(end.compensations()).containsExactlyElementsOf(Compensation.names(expected));
    InOrder order = inOrder(h.flags, h.dualWrite, h.backfill, h.writeCutover, h.baseline);
    for (Compensation c : expected) {
      c.verifyRun(order, h, rb);
    }
    Compensation.RELEASE.verifyRun(order, h, rb);
    for (Compensation c : Compensation.values()) {
      if (!expected.contains(c)) {
        c.verifyNotRun(h);
      }
    }
  }

  enum Compensation {
    WRITE("set write_target=0 and drop the reverse trigger"),
    READ("set read_percent=0"),
    TRUNCATE("truncate the target table"),
    SYNC("drop the sync trigger and set dual_write=0"),
    DROP_TARGET("drop the target table created by expand"),
    /** Registered first, so it always runs last once anything is compensated. */
    RELEASE("release the tables");

    final String title;

    Compensation(String title) {
      this.title = title;
    }

    /** The titles in order, ending with the table release every rollback does. */
    static List<String> names(List<Compensation> cs) {
      return java.util.stream.Stream.concat(cs.stream().filter(c -> c != RELEASE), java.util.stream.Stream.of(RELEASE))
          .map(c -> c.title).toList();
    }

    void verifyRun(InOrder order, MigrationHarness h, Runbook rb) {
      switch (this) {
        case WRITE -> {
          order.verify(h.flags).setFlag(flag(Flag.WRITE_TARGET, 0, APPROVER));
          order.verify(h.writeCutover).removeReverseTrigger(rb);
        }
        case READ -> order.verify(h.flags).setFlag(flag(Flag.READ_PERCENT, 0, APPROVER));
        case TRUNCATE -> order.verify(h.backfill).truncateTarget(rb);
        case SYNC -> {
          order.verify(h.dualWrite).removeSyncTrigger(rb);
          order.verify(h.flags).setFlag(flag(Flag.DUAL_WRITE, 0, APPROVER));
        }
        case DROP_TARGET -> order.verify(h.baseline).dropCreatedTarget(rb);
        case RELEASE -> order.verify(h.baseline).releaseTables(eq(rb), anyString());
      }
    }

    void verifyNotRun(MigrationHarness h) {
      switch (this) {
        case WRITE -> {
          verify(h.flags, never()).setFlag(flag(Flag.WRITE_TARGET, 0, APPROVER));
          verify(h.writeCutover, never()).removeReverseTrigger(any());
        }
        case READ -> verify(h.flags, never()).setFlag(flag(Flag.READ_PERCENT, 0, APPROVER));
        case TRUNCATE -> verify(h.backfill, never()).truncateTarget(any());
        case SYNC -> {
          verify(h.dualWrite, never()).removeSyncTrigger(any());
          verify(h.flags, never()).setFlag(flag(Flag.DUAL_WRITE, 0, APPROVER));
        }
        case DROP_TARGET -> verify(h.baseline, never()).dropCreatedTarget(any());
        case RELEASE -> { }
      }
    }
  }
}
