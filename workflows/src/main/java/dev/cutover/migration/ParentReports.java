package dev.cutover.migration;

import io.temporal.workflow.Workflow;
import java.util.Optional;

/** How a phase child tells its migration what it has done so far; a no-op when run on its own. */
public final class ParentReports {
  private ParentReports() {}

  public static void progress(MigrationStatus.Progress progress) {
    parent().ifPresent(p -> p.reportProgress(progress));
  }

  public static void reconcile(MigrationStatus.ReconcileCycle cycle) {
    parent().ifPresent(p -> p.reportReconcile(cycle));
  }

  private static Optional<MigrationWorkflow> parent() {
    return Workflow.getInfo().getParentWorkflowId()
        .map(id -> Workflow.newExternalWorkflowStub(MigrationWorkflow.class, id));
  }
}
