package dev.cutover.backfill;

import dev.cutover.TaskQueue;
import dev.cutover.failure.PhaseOptions;
import dev.cutover.migration.MigrationStatus.Progress;
import dev.cutover.migration.ParentReports;
import dev.cutover.runbook.Runbook;
import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

@WorkflowImpl(taskQueues = TaskQueue.NAME)
public class BackfillWorkflowImpl implements BackfillWorkflow {
  /** One activity call copies for this long, then reports; short enough for live progress. */
  static final Duration SLICE = Duration.ofSeconds(20);
  /** Continue-as-new well before Temporal's limits: each round adds about 4 + 3 x partitions events. */
  static final int MAX_EVENTS = 2_000;

  private final BackfillActivities activities = Workflow.newActivityStub(
      BackfillActivities.class, PhaseOptions.longSql(SLICE.multipliedBy(3)));
  private final BackfillActivities planning =
      Workflow.newActivityStub(BackfillActivities.class, PhaseOptions.shortSql());
  /**
   * Each progress report is a signal, four events in the migration's history, which never continues as
   * new: one per round (every {@link #SLICE}) would fill it in about three days of backfill. Reports come
   * at most every tenth of the elapsed time, between these bounds, so a long backfill adds ~1,200 a day.
   */
  static final Duration PROGRESS_MIN_EVERY = Duration.ofSeconds(10);
  static final Duration PROGRESS_MAX_EVERY = Duration.ofMinutes(5);

  private BackfillState state;
  private long lastReportMillis;

  @Override
  public BackfillState copy(Runbook runbook, BackfillState initial) {
    boolean throttled = Workflow.getVersion("throttle-progress", Workflow.DEFAULT_VERSION, 1) == 1;
    state = initial;
    if (state == null) {
      BackfillActivities.BackfillPlan plan = planning.planBackfill(runbook);
      List<PartitionState> parts = new ArrayList<>();
      for (BackfillActivities.Partition p : plan.partitions()) {
        parts.add(new PartitionState(p, p.lower(), 0, false));
      }
      state = new BackfillState(parts, plan.estimatedRows(), Workflow.currentTimeMillis(), 1);
    }
    while (!state.done()) {
      List<Promise<BackfillActivities.SliceResult>> slices = new ArrayList<>();
      List<Integer> running = new ArrayList<>();
      for (int i = 0; i < state.partitions().size(); i++) {
        PartitionState ps = state.partitions().get(i);
        if (!ps.done()) {
          running.add(i);
          slices.add(Async.function(activities::copySlice, runbook, ps.partition(), ps.cursor(), SLICE.toMillis()));
        }
      }
      List<PartitionState> next = new ArrayList<>(state.partitions());
      for (int j = 0; j < slices.size(); j++) {
        BackfillActivities.SliceResult r = slices.get(j).get();
        PartitionState ps = next.get(running.get(j));
        next.set(running.get(j), new PartitionState(ps.partition(), r.cursor(), ps.rowsCopied() + r.rowsCopied(), r.done()));
      }
      state = new BackfillState(next, state.estimatedRows(), state.startedAtMillis(), state.runs());
      if (!throttled || progressDue()) {
        ParentReports.progress(progress(state));
      }
      if (!state.done() && (Workflow.getInfo().isContinueAsNewSuggested()
          || Workflow.getInfo().getHistoryLength() > MAX_EVENTS)) {
        Workflow.continueAsNew(runbook, new BackfillState(
            state.partitions(), state.estimatedRows(), state.startedAtMillis(), state.runs() + 1));
      }
    }
    planning.finishBackfill(runbook);
    ParentReports.progress(progress(state));
    return state;
  }

  private boolean progressDue() {
    long now = Workflow.currentTimeMillis();
    long every = Math.min(PROGRESS_MAX_EVERY.toMillis(),
        Math.max(PROGRESS_MIN_EVERY.toMillis(), (now - state.startedAtMillis()) / 10));
    if (lastReportMillis != 0 && now - lastReportMillis < every) {
      return false;
    }
    lastReportMillis = now;
    return true;
  }

  @Override
  public BackfillState progress() {
    return state;
  }

  private Progress progress(BackfillState s) {
    long done = s.rowsCopied();
    long total = Math.max(s.estimatedRows(), done);
    double elapsed = Math.max(1, Workflow.currentTimeMillis() - s.startedAtMillis()) / 1000.0;
    double rate = done / elapsed;
    long etaSeconds = s.done() || rate <= 0 ? 0 : (long) ((total - done) / rate);
    return new Progress("backfill", done, total, total == 0 ? 100.0 : Math.min(100.0, 100.0 * done / total),
        Math.round(rate), etaSeconds);
  }
}
