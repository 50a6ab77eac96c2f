package dev.cutover.cli;

import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationWorkflow;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a migration's Temporal history as people tell it: who started it, phases (child workflows) starting and
 * ending, gate approvals with approver and comment (accepted updates and signals), reconcile cycles, timers,
 * compensations (the parent's own activities), failures and the end.
 */
final class HistoryTimeline {
  private final DataConverter converter;

  HistoryTimeline(DataConverter converter) {
    this.converter = converter;
  }

  void render(String id, String runId, WorkflowExecutionHistory history, PrintWriter out) {
    Map<Long, String> activities = new HashMap<>();
    out.println("history of " + id + " (run " + runId + ")");
    for (HistoryEvent e : history.getEvents()) {
      String line = describe(e, activities);
      if (line != null) {
        Instant at = Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
        out.println(String.format(Locale.ROOT, "%s  %s", at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), line));
      }
    }
  }

  private String describe(HistoryEvent e, Map<Long, String> activities) {
    EventType type = e.getEventType();
    switch (type) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        MigrationWorkflow.Request r = decode(e.getWorkflowExecutionStartedEventAttributes().getInput(),
            MigrationWorkflow.Request.class);
        if (r == null || r.runbook() == null) {
          return "migration started";
        }
        return "migration started by " + r.startedBy() + ": " + r.runbook().source().table() + " -> "
            + r.runbook().target().table();
      }
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
        return "phase " + phase(e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution()
            .getWorkflowId()) + " started";
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
        return "phase " + phase(e.getChildWorkflowExecutionCompletedEventAttributes().getWorkflowExecution()
            .getWorkflowId()) + " completed";
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
        return "phase " + phase(e.getChildWorkflowExecutionFailedEventAttributes().getWorkflowExecution()
            .getWorkflowId()) + " FAILED: " + message(e.getChildWorkflowExecutionFailedEventAttributes().getFailure());
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
        return "phase " + phase(e.getChildWorkflowExecutionCanceledEventAttributes().getWorkflowExecution()
            .getWorkflowId()) + " canceled";
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
        return "phase " + phase(e.getChildWorkflowExecutionTerminatedEventAttributes().getWorkflowExecution()
            .getWorkflowId()) + " terminated";
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
        return "phase " + phase(e.getChildWorkflowExecutionTimedOutEventAttributes().getWorkflowExecution()
            .getWorkflowId()) + " timed out";
      case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        var input = e.getWorkflowExecutionUpdateAcceptedEventAttributes().getAcceptedRequest().getInput();
        return operatorAction(input.getName(), input.getArgs(), "");
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        var outcome = e.getWorkflowExecutionUpdateCompletedEventAttributes().getOutcome();
        return outcome.hasFailure() ? "update refused: " + message(outcome.getFailure()) : null;
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        var s = e.getWorkflowExecutionSignaledEventAttributes();
        if (s.getSignalName().equals("reportProgress")) {
          return null;
        }
        if (s.getSignalName().equals("reportReconcile")) {
          MigrationStatus.ReconcileCycle c = decode(s.getInput(), MigrationStatus.ReconcileCycle.class);
          return c == null ? "reconcile cycle" : String.format(Locale.ROOT,
              "reconcile cycle %d: %,d rows checked, %,d mismatched, %,d repaired, drift %.6f (%s)", c.cycle(),
              c.rowsChecked(), c.mismatchedRows(), c.repaired(), c.driftRatio(), c.clean() ? "clean" : "not clean");
        }
        return operatorAction(s.getSignalName(), s.getInput(), " (signal)");
      }
      case EVENT_TYPE_TIMER_STARTED: {
        var d = e.getTimerStartedEventAttributes().getStartToFireTimeout();
        return "waiting " + StatusView.duration(Duration.ofSeconds(d.getSeconds(), d.getNanos()));
      }
      case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.put(e.getEventId(), e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        return null;
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        return "activity " + activities.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId())
            + " completed";
      case EVENT_TYPE_ACTIVITY_TASK_FAILED:
        return "activity " + activities.get(e.getActivityTaskFailedEventAttributes().getScheduledEventId())
            + " FAILED: " + message(e.getActivityTaskFailedEventAttributes().getFailure());
      case EVENT_TYPE_WORKFLOW_TASK_FAILED:
        return "workflow task failed (the worker retries it): "
            + message(e.getWorkflowTaskFailedEventAttributes().getFailure());
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
        MigrationStatus s = decode(e.getWorkflowExecutionCompletedEventAttributes().getResult(),
            MigrationStatus.class);
        return s == null ? "migration ended" : "migration ended " + s.state()
            + (s.failure() == null ? "" : ": " + s.failure())
            + (s.compensations() == null || s.compensations().isEmpty() ? ""
                : "; compensations: " + String.join(", ", s.compensations()));
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        return "migration ended FAILED: " + message(e.getWorkflowExecutionFailedEventAttributes().getFailure());
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        return "migration terminated: " + e.getWorkflowExecutionTerminatedEventAttributes().getReason();
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        return "migration canceled";
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        return "migration timed out";
      default:
        return null;
    }
  }

  private String operatorAction(String name, Payloads args, String via) {
    switch (name) {
      case "approve":
      case "approveSignal": {
        MigrationWorkflow.Approve a = decode(args, MigrationWorkflow.Approve.class);
        if (a == null) {
          return "approval" + via;
        }
        return "gate " + a.gate() + " approved by " + a.approver()
            + (a.comment() == null || a.comment().isBlank() ? "" : ": \"" + a.comment() + "\"") + via;
      }
      case "abort":
      case "abortSignal": {
        MigrationWorkflow.Abort a = decode(args, MigrationWorkflow.Abort.class);
        return a == null ? "abort requested" + via : "abort requested by " + a.by() + ": \"" + a.reason() + "\"" + via;
      }
      default:
        return name + via;
    }
  }

  private static String phase(String childWorkflowId) {
    int slash = childWorkflowId.lastIndexOf('/');
    return slash < 0 ? childWorkflowId : childWorkflowId.substring(slash + 1);
  }

  /** The innermost message: the reason a person can act on, not the wrappers around it. */
  static String message(Failure f) {
    Failure deepest = f;
    while (deepest.hasCause()) {
      deepest = deepest.getCause();
    }
    return deepest.getMessage().isEmpty() ? f.getMessage() : deepest.getMessage();
  }

  private <T> T decode(Payloads payloads, Class<T> type) {
    if (payloads == null || payloads.getPayloadsCount() == 0) {
      return null;
    }
    try {
      return converter.fromPayloads(0, Optional.of(payloads), type, type);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
