package dev.cutover.cli;

import static dev.cutover.cli.CommandRun.expect;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the command line does before it needs Temporal: runbook validation, usage errors, an unreachable server. */
class CommandLineTests {

  @Test
  void shouldAcceptTheExampleRunbook() {
    CommandRun r = expect(ExitCode.OK, "validate", "../runbooks/customers-v2.yaml");

    assertThat(r.out()).startsWith("ok: customers-v2 (11 phases, gates: dual-write, backfill (auto), reconcile (auto),"
        + " read-cutover, read-cutover-10, read-cutover-50, read-cutover-100, write-cutover, decommission,"
        + " drop-legacy)");
  }

  @Test
  void shouldReportEveryProblemWithFileLineAndColumn(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, String.join("\n",
        "name: Customers V2",
        "source: {connection: primary, table: public.customers, key: id}",
        "target: {connection: primary, table: public.customers_v2}",
        "mapping:",
        "  id: id",
        "readCutover: {steps: [1, 10], soak: soon}",
        ""));

    CommandRun r = expect(ExitCode.INVALID_INPUT, "validate", bad.toString());

    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).isNotEmpty().allMatch(l -> l.matches(
        java.util.regex.Pattern.quote(bad.toString()) + ":\\d+:\\d+: .+"), "FILE:LINE:COL: message");
    assertThat(r.err()).contains(bad + ":1:");
    assertThat(r.err().lines().count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void shouldRefuseToStartAnInvalidRunbookBeforeConnecting(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "name: x\nsurprise: true\n");

    CommandRun r = expect(ExitCode.INVALID_INPUT, "start", bad.toString(), "--as", "alice", "--address",
        "127.0.0.1:1");

    assertThat(r.err()).startsWith(bad.toString()).contains(": unknown key 'surprise'");
  }

  @Test
  void shouldTreatUsageErrorsAsInvalidInput() {
    expect(ExitCode.INVALID_INPUT, "start", "../runbooks/customers-v2.yaml");
    expect(ExitCode.INVALID_INPUT, "approve", "customers-v2");
    expect(ExitCode.INVALID_INPUT, "wait", "customers-v2", "--timeout", "soon");
    expect(ExitCode.INVALID_INPUT, "no-such-command");
    expect(ExitCode.INVALID_INPUT);
  }

  @Test
  void shouldSayInOneLineThatTemporalCannotBeReached() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    CommandRun r = expect(ExitCode.UNEXPECTED, "status", "customers-v2", "--address", "127.0.0.1:" + port);

    assertThat(r.err()).startsWith("can't reach Temporal at 127.0.0.1:" + port).doesNotContain("Exception");
    assertThat(r.err().lines().count()).isEqualTo(1);
  }
}
