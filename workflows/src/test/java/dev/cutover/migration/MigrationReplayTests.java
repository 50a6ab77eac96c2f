package dev.cutover.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.backfill.BackfillWorkflowImpl;
import dev.cutover.baseline.BaselineWorkflowImpl;
import dev.cutover.decommission.DecommissionWorkflowImpl;
import dev.cutover.decommission.DropLegacyWorkflowImpl;
import dev.cutover.dualwrite.DualWriteWorkflowImpl;
import dev.cutover.readcutover.ReadCutoverWorkflowImpl;
import dev.cutover.reconcile.ReconcileWorkflowImpl;
import dev.cutover.writecutover.WriteCutoverWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays recorded histories through today's workflow code: a change that running migrations would replay
 * differently fails here, and needs a {@code Workflow.getVersion} guard. Re-record (and commit) only for a
 * deliberate, guarded change: {@code ./mvnw -pl workflows test -Dtest=MigrationReplayTests
 * -Dcutover.recordHistories=true}.
 */
class MigrationReplayTests {
  private static final Path HISTORIES = Path.of("src", "test", "resources", "histories");
  private static final String HAPPY_PATH = "migration-happy-path";

  /** The child histories kept beside the migration's, with the implementation that replays each. */
  private static final Map<String, Class<?>> CHILDREN = Map.of(
      "baseline", BaselineWorkflowImpl.class,
      "dual-write", DualWriteWorkflowImpl.class,
      "backfill", BackfillWorkflowImpl.class,
      "reconcile", ReconcileWorkflowImpl.class,
      "read-cutover", ReadCutoverWorkflowImpl.class,
      "write-cutover", WriteCutoverWorkflowImpl.class,
      "decommission", DecommissionWorkflowImpl.class,
      "drop-legacy", DropLegacyWorkflowImpl.class);

  @Test
  void theRecordedHappyPathReplaysThroughTheMigrationWorkflow() throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(HAPPY_PATH, MigrationHarness.ID), MigrationWorkflowImpl.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "dual-write", "backfill", "reconcile", "read-cutover", "write-cutover",
      "decommission", "drop-legacy"})
  void eachRecordedPhaseReplaysThroughItsWorkflow(String phase) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(
        history(HAPPY_PATH + "-" + phase, MigrationHarness.ID + "/" + phase), CHILDREN.get(phase));
  }

  /**
   * A history JSON holds no workflow id, and {@code replayWorkflowExecutionFromResource} replays under a
   * made-up one; the migration derives its children's ids from its own, so the recorded id is given back.
   */
  private static WorkflowExecutionHistory history(String name, String workflowId) throws IOException {
    try (InputStream in = MigrationReplayTests.class.getResourceAsStream("/histories/" + name + ".json")) {
      assertThat(in).as("recorded history %s", name).isNotNull();
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), workflowId);
    }
  }

  @Test
  @EnabledIfSystemProperty(named = "cutover.recordHistories", matches = "true")
  void recordsTheHappyPathHistories() throws IOException {
    try (MigrationHarness h = new MigrationHarness()) {
      assertThat(h.runToCompletion().state()).isEqualTo(MigrationStatus.State.COMPLETED);
      Files.createDirectories(HISTORIES);
      write(HAPPY_PATH, h.client.fetchHistory(MigrationHarness.ID).toJson(true));
      for (String phase : CHILDREN.keySet()) {
        write(HAPPY_PATH + "-" + phase, h.client.fetchHistory(MigrationHarness.ID + "/" + phase).toJson(true));
      }
    }
  }

  private static void write(String name, String json) throws IOException {
    Files.writeString(HISTORIES.resolve(name + ".json"), json + "\n");
  }
}
