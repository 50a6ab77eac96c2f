package dev.cutover.backfill;

import dev.cutover.runbook.Runbook;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

@WorkflowInterface
public interface BackfillWorkflow {
  /** {@code state} is null on the first run and carries the cursors across continue-as-new. */
  @WorkflowMethod
  BackfillState copy(Runbook runbook, BackfillState state);

  @QueryMethod
  BackfillState progress();

  record PartitionState(BackfillActivities.Partition partition, List<String> cursor, long rowsCopied, boolean done) {}

  record BackfillState(List<PartitionState> partitions, long estimatedRows, long startedAtMillis, int runs) {
    public BackfillState {
      partitions = List.copyOf(partitions);
    }

    public long rowsCopied() {
      return partitions.stream().mapToLong(PartitionState::rowsCopied).sum();
    }

    public boolean done() {
      return partitions.stream().allMatch(PartitionState::done);
    }
  }
}
