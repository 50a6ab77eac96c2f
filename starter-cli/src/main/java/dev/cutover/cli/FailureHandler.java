package dev.cutover.cli;

import dev.cutover.runbook.InvalidRunbookException;
import dev.cutover.runbook.Problem;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns a failure into a message and an exit code: known failures get one line,
 * anything else gets one line too plus the stack trace when {@code CUTOVER_DEBUG} is set.
 */
final class FailureHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    int code = handle(ex, err);
    err.flush();
    return code;
  }

  static int handle(Throwable ex, PrintWriter err) {
    if (ex instanceof CliFailure f) {
      err.println(f.getMessage());
      return f.exitCode();
    }
    if (ex instanceof InvalidRunbookException r) {
      for (Problem p : r.problems()) {
        err.println(p.render(r.file()));
      }
      return ExitCode.INVALID_INPUT;
    }
    if (ex instanceof WorkflowExecutionAlreadyStarted s) {
      err.println("migration " + s.getExecution().getWorkflowId() + " is already running");
      return ExitCode.NOT_FOUND_OR_RUNNING;
    }
    if (ex instanceof WorkflowNotFoundException n) {
      err.println("migration " + n.getExecution().getWorkflowId() + " not found");
      return ExitCode.NOT_FOUND_OR_RUNNING;
    }
    if (ex instanceof WorkflowUpdateException u) {
      // A validator rejection and a handler refusal both arrive as an ApplicationFailure with the reason.
      ApplicationFailure refusal = cause(u, ApplicationFailure.class);
      if (refusal != null) {
        err.println("refused: " + refusal.getOriginalMessage());
        return ExitCode.REFUSED;
      }
    }
    StatusRuntimeException rpc = cause(ex, StatusRuntimeException.class);
    if (rpc != null) {
      Status.Code c = rpc.getStatus().getCode();
      if (c == Status.Code.UNAVAILABLE || c == Status.Code.DEADLINE_EXCEEDED) {
        err.println("can't reach Temporal: " + c + " " + nullToEmpty(rpc.getStatus().getDescription()));
        return ExitCode.UNEXPECTED;
      }
      if (c == Status.Code.NOT_FOUND) {
        err.println("not found: " + nullToEmpty(rpc.getStatus().getDescription()));
        return ExitCode.NOT_FOUND_OR_RUNNING;
      }
    }
    err.println("error: " + describe(ex));
    if (System.getenv("CUTOVER_DEBUG") != null) {
      ex.printStackTrace(err);
    } else {
      err.println("(set CUTOVER_DEBUG=1 for the stack trace)");
    }
    return ExitCode.UNEXPECTED;
  }

  private static String describe(Throwable ex) {
    ApplicationFailure a = cause(ex, ApplicationFailure.class);
    if (a != null) {
      return a.getOriginalMessage();
    }
    String m = ex.getMessage();
    return m == null ? ex.getClass().getSimpleName() : m;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
