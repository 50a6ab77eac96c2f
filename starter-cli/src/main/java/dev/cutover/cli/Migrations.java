package dev.cutover.cli;

import com.google.protobuf.ByteString;
import dev.cutover.migration.MigrationStatus;
import dev.cutover.migration.MigrationStatus.State;
import dev.cutover.migration.MigrationWorkflow;
import dev.cutover.migration.MigrationWorkflowImpl;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads migrations from Temporal: existence, live or final status, the request they started with, the list. */
public final class Migrations {
  private final Temporal temporal;

  public Migrations(Temporal temporal) {
    this.temporal = temporal;
  }

  /** The latest run of {@code id}; exit 3 when there is none or it is not a migration. */
  public WorkflowExecutionInfo describe(String id) {
    WorkflowExecutionInfo info;
    try {
      info = temporal.stubs().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace(temporal.namespace())
          .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
          .build()).getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw CliFailure.notFound(id);
      }
      throw e;
    }
    if (!MigrationWorkflow.TYPE.equals(info.getType().getName())) {
      int slash = id.indexOf('/');
      throw new CliFailure(ExitCode.NOT_FOUND_OR_RUNNING, id + " is a " + info.getType().getName()
          + ", not a migration" + (slash > 0 ? "; the migration is " + id.substring(0, slash) : ""));
    }
    return info;
  }

  /** Live status of a running migration (a query), else its final status (the result or the failure's details). */
  public MigrationStatus status(String id) {
    return status(id, describe(id));
  }

  public MigrationStatus status(String id, WorkflowExecutionInfo info) {
    WorkflowExecutionStatus s = info.getStatus();
    if (s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return query(id);
    }
    try {
      return temporal.client().newUntypedWorkflowStub(id).getResult(MigrationStatus.class);
    } catch (WorkflowFailedException e) {
      ApplicationFailure failure = applicationFailure(e);
      if (failure != null && MigrationWorkflowImpl.MIGRATION_FAILED.equals(failure.getType())) {
        return failure.getDetails().get(MigrationStatus.class);
      }
      return closedWithoutResult(id, info, rootMessage(e));
    } catch (WorkflowException e) {
      return closedWithoutResult(id, info, rootMessage(e));
    }
  }

  private MigrationStatus query(String id) {
    try {
      return temporal.client().newWorkflowStub(MigrationWorkflow.class, id).status();
    } catch (WorkflowException e) {
      StatusRuntimeException rpc = FailureHandler.cause(e, StatusRuntimeException.class);
      if (rpc != null && rpc.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new CliFailure(ExitCode.UNEXPECTED, "no worker answered the status query for " + id + " on namespace "
            + temporal.namespace() + "; is a worker running (`cutover worker`)?");
      }
      throw e;
    }
  }

  /** Terminated, cancelled or timed out from outside: the last state a worker can replay, marked FAILED. */
  private MigrationStatus closedWithoutResult(String id, WorkflowExecutionInfo info, String why) {
    String how = info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    String failure = "workflow " + how + (why == null || why.isBlank() ? "" : ": " + why);
    String endedAt = info.hasCloseTime() ? Instant.ofEpochSecond(info.getCloseTime().getSeconds()).toString() : null;
    MigrationStatus last = null;
    try {
      last = temporal.client().newWorkflowStub(MigrationWorkflow.class, id).status();
    } catch (RuntimeException e) {
      // no worker to replay it; what describe knows has to do
    }
    if (last == null) {
      return new MigrationStatus(id, State.FAILED, null, null, null, null, List.of(), List.of(), null, null, null,
          null, Instant.ofEpochSecond(info.getStartTime().getSeconds()).toString(), endedAt, failure, List.of(),
          List.of());
    }
    return new MigrationStatus(last.id(), State.FAILED, last.phase(), null, null, null, last.approvals(),
        last.phases(), last.progress(), last.reconcile(), last.baseline(), last.startedBy(), last.startedAt(), endedAt,
        failure, last.compensations(), last.refusals());
  }

  /** What the migration was started with: the runbook and who started it (the first history event's input). */
  public MigrationWorkflow.Request request(String id) {
    HistoryEvent first = temporal.stubs().blockingStub().getWorkflowExecutionHistory(
        GetWorkflowExecutionHistoryRequest.newBuilder()
            .setNamespace(temporal.namespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .setMaximumPageSize(1)
            .build()).getHistory().getEvents(0);
    Payloads input = first.getWorkflowExecutionStartedEventAttributes().getInput();
    return temporal.client().getOptions().getDataConverter()
        .fromPayloads(0, Optional.of(input), MigrationWorkflow.Request.class, MigrationWorkflow.Request.class);
  }

  /** One row per migration id: its latest run. */
  public record Listed(String id, String runId, WorkflowExecutionStatus temporalStatus, Instant startedAt,
      Instant closedAt) {}

  /**
   * Every migration in the namespace. Visibility queries first; Temporal's Java test server (and servers without
   * advanced visibility) has none, so the open and closed lists filtered by workflow type are the fallback.
   */
  public List<Listed> list() {
    List<WorkflowExecutionInfo> infos;
    try {
      infos = temporal.client().listExecutions("WorkflowType = '" + MigrationWorkflow.TYPE + "'")
          .map(m -> m.getWorkflowExecutionInfo()).toList();
    } catch (RuntimeException e) {
      StatusRuntimeException rpc = FailureHandler.cause(e, StatusRuntimeException.class);
      if (rpc == null || (rpc.getStatus().getCode() != Status.Code.UNIMPLEMENTED
          && rpc.getStatus().getCode() != Status.Code.INVALID_ARGUMENT)) {
        throw e;
      }
      infos = listOpenAndClosed();
    }
    Map<String, WorkflowExecutionInfo> latest = new LinkedHashMap<>();
    for (WorkflowExecutionInfo i : infos) {
      if (!MigrationWorkflow.TYPE.equals(i.getType().getName())) {
        continue;
      }
      latest.merge(i.getExecution().getWorkflowId(), i,
          (a, b) -> a.getStartTime().getSeconds() >= b.getStartTime().getSeconds() ? a : b);
    }
    List<Listed> out = new ArrayList<>();
    for (WorkflowExecutionInfo i : latest.values()) {
      out.add(new Listed(i.getExecution().getWorkflowId(), i.getExecution().getRunId(), i.getStatus(),
          Instant.ofEpochSecond(i.getStartTime().getSeconds(), i.getStartTime().getNanos()),
          i.hasCloseTime() && i.getCloseTime().getSeconds() > 0
              ? Instant.ofEpochSecond(i.getCloseTime().getSeconds(), i.getCloseTime().getNanos()) : null));
    }
    out.sort(Comparator.comparing(Listed::startedAt).reversed());
    return out;
  }

  private List<WorkflowExecutionInfo> listOpenAndClosed() {
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(MigrationWorkflow.TYPE).build();
    List<WorkflowExecutionInfo> out = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse r = temporal.stubs().blockingStub().listOpenWorkflowExecutions(
          ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(temporal.namespace()).setTypeFilter(type)
              .setMaximumPageSize(1000).setNextPageToken(token).build());
      out.addAll(r.getExecutionsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    do {
      ListClosedWorkflowExecutionsResponse r = temporal.stubs().blockingStub().listClosedWorkflowExecutions(
          ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace(temporal.namespace()).setTypeFilter(type)
              .setMaximumPageSize(1000).setNextPageToken(token).build());
      out.addAll(r.getExecutionsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  static ApplicationFailure applicationFailure(Throwable e) {
    return FailureHandler.cause(e, ApplicationFailure.class);
  }

  static String rootMessage(Throwable e) {
    ApplicationFailure a = applicationFailure(e);
    if (a != null) {
      return a.getOriginalMessage();
    }
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
