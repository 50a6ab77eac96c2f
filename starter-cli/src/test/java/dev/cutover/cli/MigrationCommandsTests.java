package dev.cutover.cli;

import static dev.cutover.cli.CommandRun.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client commands against a real Temporal (the Java test server on a port), the real worker and real
 * PostgreSQL, each test with a migration of its own.
 */
class MigrationCommandsTests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LiveTemporal live;

  @BeforeAll
  static void startTemporalAndWorker() {
    live = LiveTemporal.get();
  }

  /** Starts a migration over fresh demo tables and waits until its first gate is pending. */
  private static String startedAtDualWrite(String id) {
    Path runbook = live.customersRunbook(id);
    CommandRun start = expect(ExitCode.OK, live.args("start", runbook.toString(), "--as", "alice"));
    assertThat(start.out().trim()).isEqualTo(id);
    expect(ExitCode.OK, live.args("wait", id, "--gate", "dual-write", "--timeout", "60s"));
    return id;
  }

  @Test
  void shouldRefuseToStartAMigrationThatIsAlreadyRunning() {
    String id = startedAtDualWrite("cli-twice");

    CommandRun again = expect(ExitCode.NOT_FOUND_OR_RUNNING,
        live.args("start", live.customersRunbook(id).toString(), "--as", "alice"));

    assertThat(again.err()).contains("migration cli-twice is already running");
  }

  @Test
  void shouldReportAnUnknownMigrationAsNotFound() {
    assertThat(expect(ExitCode.NOT_FOUND_OR_RUNNING, live.args("status", "no-such-migration")).err())
        .contains("migration no-such-migration not found");
    expect(ExitCode.NOT_FOUND_OR_RUNNING, live.args("approve", "no-such-migration", "dual-write", "--as", "bob"));
    expect(ExitCode.NOT_FOUND_OR_RUNNING, live.args("history", "no-such-migration"));
    expect(ExitCode.NOT_FOUND_OR_RUNNING, live.args("wait", "no-such-migration", "--timeout", "1s"));
  }

  @Test
  void shouldRefuseApprovalsTheRunbookDoesNotAllow() {
    String id = startedAtDualWrite("cli-refused");

    assertThat(expect(ExitCode.REFUSED, live.args("approve", id, "write-cutover", "--as", "bob")).err())
        .contains("gate 'write-cutover' is not pending; the pending gate is 'dual-write'");
    assertThat(expect(ExitCode.REFUSED, live.args("approve", id, "dual-write", "--as", "mallory")).err())
        .contains("approver 'mallory' is not on gates.approvers");
    assertThat(expect(ExitCode.REFUSED, live.args("approve", id, "dual-write", "--as", "alice")).err())
        .contains("two-person rule");

    CommandRun status = expect(ExitCode.OK, live.args("status", id, "--json"));
    assertThat(json(status.out()).get("pendingGate").asText()).isEqualTo("dual-write");
    assertThat(json(status.out()).get("approvals")).isEmpty();
  }

  @Test
  void shouldTimeOutWaitingForAGateTheMigrationHasNotReached() {
    String id = startedAtDualWrite("cli-timeout");

    CommandRun wait = expect(ExitCode.TIMED_OUT, live.args("wait", id, "--gate", "read-cutover", "--timeout", "2s"));

    assertThat(wait.err()).contains("timed out after 2s waiting for gate read-cutover");
  }

  @Test
  void shouldRefuseToWaitForAGateTheRunbookDoesNotHave() {
    String id = startedAtDualWrite("cli-nogate");

    assertThat(expect(ExitCode.INVALID_INPUT, live.args("wait", id, "--gate", "read-cutover-50")).err())
        .contains("has no gate 'read-cutover-50'");
  }

  @Test
  void shouldRollBackOnAbortAndReportTheMigrationAsNotCompleted() {
    String id = startedAtDualWrite("cli-abort");
    expect(ExitCode.OK, live.args("approve", id, "dual-write", "--as", "bob", "--comment", "go"));

    CommandRun abort = expect(ExitCode.OK, live.args("abort", id, "--as", "bob", "--reason", "wrong table"));
    assertThat(abort.out()).contains("drop the sync trigger");
    expect(ExitCode.MIGRATION_NOT_COMPLETED, live.args("wait", id, "--done", "--timeout", "60s"));

    JsonNode status = json(expect(ExitCode.OK, live.args("status", id, "--json")).out());
    assertThat(status.get("state").asText()).isEqualTo("ROLLED_BACK");
    assertThat(status.get("failure").asText()).isEqualTo("aborted by bob: wrong table");
    assertThat(status.get("compensations").toString()).contains("drop the sync trigger");
    assertThat(live.db.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_cli-abort%'")).isZero();
    assertThat(expect(ExitCode.OK, live.args("status", id)).out()).contains("ROLLED_BACK");
    assertThat(expect(ExitCode.REFUSED, live.args("abort", id, "--as", "bob", "--reason", "again")).err())
        .contains("has ended (ROLLED_BACK)");
  }

  @Test
  void shouldShowTheStatusAsJson() {
    String id = startedAtDualWrite("cli-json");

    JsonNode s = json(expect(ExitCode.OK, live.args("status", id, "--json")).out());

    assertThat(s.get("id").asText()).isEqualTo(id);
    assertThat(s.get("state").asText()).isEqualTo("RUNNING");
    assertThat(s.get("phase").asText()).isEqualTo("baseline");
    assertThat(s.get("pendingGate").asText()).isEqualTo("dual-write");
    assertThat(s.get("startedBy").asText()).isEqualTo("alice");
    assertThat(s.has("approvals")).isTrue();
    assertThat(s.has("progress")).isTrue();
    assertThat(s.has("reconcile")).isTrue();
    assertThat(s.get("phases").get(0).get("state").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void shouldExportTemporalsOwnHistoryJson() {
    String id = startedAtDualWrite("cli-history");

    String json = expect(ExitCode.OK, live.args("history", id, "--json")).out();

    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(json);
    assertThat(history.getEvents()).isNotEmpty();
    assertThat(history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType().getName())
        .isEqualTo("MigrationWorkflow");
  }

  @Test
  void shouldListMigrationsWithTheirState() {
    String id = startedAtDualWrite("cli-list");

    CommandRun list = expect(ExitCode.OK, live.args("list"));
    assertThat(list.out()).containsPattern("cli-list\\s+RUNNING\\s+baseline\\s+dual-write\\s+alice");

    JsonNode rows = json(expect(ExitCode.OK, live.args("list", "--json")).out());
    JsonNode row = null;
    for (JsonNode r : rows) {
      if (r.get("id").asText().equals(id)) {
        row = r;
      }
    }
    assertThat(row).isNotNull();
    assertThat(row.get("state").asText()).isEqualTo("RUNNING");
  }

  @Test
  void shouldRunAMigrationToTheEndWithEveryGateApprovedFromTheCommandLine() {
    String id = startedAtDualWrite("cli-full");

    for (String gate : new String[] {"dual-write", "read-cutover", "write-cutover", "decommission", "drop-legacy"}) {
      CommandRun wait = expect(ExitCode.OK, live.args("wait", id, "--gate", gate, "--timeout", "120s"));
      assertThat(wait.out()).contains("gate " + gate + " is pending");
      expect(ExitCode.OK, live.args("approve", id, gate, "--as", "bob", "--comment", "checked " + gate));
    }
    expect(ExitCode.OK, live.args("wait", id, "--done", "--timeout", "120s"));

    String status = expect(ExitCode.OK, live.args("status", id)).out();
    assertThat(status).contains(id + "  COMPLETED").contains("drop-legacy").contains("checked decommission");
    String history = expect(ExitCode.OK, live.args("history", id)).out();
    assertThat(history)
        .contains("migration started by alice")
        .contains("phase backfill completed")
        .contains("gate read-cutover approved by bob: \"checked read-cutover\"")
        .contains("reconcile cycle 1")
        .contains("migration ended COMPLETED");
    assertThat(live.db.count("SELECT count(*) FROM cli_full.customers_v2")).isGreaterThanOrEqualTo(200);
    assertThat(live.db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'cli_full'"
        + " AND tablename LIKE 'customers%' AND tablename <> 'customers_v2'")).isZero();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }
}
