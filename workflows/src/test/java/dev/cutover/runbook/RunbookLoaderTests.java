package dev.cutover.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RunbookLoaderTests {
  private static final Path EXAMPLE = Path.of("..", "runbooks", "customers-v2.yaml");

  /** Only the four required sections; every line number in the tests below counts from here. */
  private static final String MINIMAL = """
      name: customers-v2
      source: {table: public.customers, key: id}
      target: {table: public.customers_v2}
      mapping:
        id: id
        full_name: full_name
      """;

  @Test
  void loadsTheExampleRunbookWithItsValues() {
    Runbook rb = RunbookLoader.load(EXAMPLE);

    assertThat(rb.name()).isEqualTo("customers-v2");
    assertThat(rb.source()).isEqualTo(new Runbook.Source("primary", "public.customers", List.of("id"), "updated_at"));
    assertThat(rb.source().tableName()).isEqualTo(new TableName("public", "customers"));
    assertThat(rb.target()).isEqualTo(new Runbook.Target("primary", "public.customers_v2", false));
    assertThat(rb.mapping()).containsExactly(
        entry("id", "id"),
        entry("first_name", "split_part(full_name, ' ', 1)"),
        entry("last_name", "nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')"),
        entry("email", "email"),
        entry("balance_cents", "(balance * 100)::bigint"),
        entry("updated_at", "updated_at"));
    assertThat(rb.reverse()).containsKeys("id", "full_name", "email", "balance", "updated_at")
        .containsEntry("balance", "balance_cents / 100.0");
    assertThat(rb.dualWrite().mode()).isEqualTo("trigger");
    assertThat(rb.backfill()).isEqualTo(new Runbook.Backfill(10_000, 2, 0, 50));
    assertThat(rb.reconcile()).isEqualTo(new Runbook.Reconcile(10_000, 0.0001, 3, "1h"));
    assertThat(rb.reconcile().intervalDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(rb.readCutover().steps()).containsExactly(1, 10, 50, 100);
    assertThat(rb.readCutover().soakDuration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(rb.gates()).isEqualTo(new Runbook.Gates(List.of("alice", "bob"), true, List.of("backfill", "reconcile")));
    assertThat(rb.decommission().retainDuration()).isEqualTo(Duration.ofDays(7));
    assertThat(rb.decommission().quietDuration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(rb.rollback().truncateTarget()).isFalse();
    assertThat(rb.targetKey()).containsExactly("id");
    assertThat(rb.gateNames()).containsExactly("dual-write", "backfill", "reconcile", "read-cutover",
        "read-cutover-10", "read-cutover-50", "read-cutover-100", "write-cutover", "decommission", "drop-legacy");
  }

  @Test
  void fillsEveryOptionalSectionWithItsDefault() {
    Runbook rb = parse(MINIMAL);

    assertThat(rb.source().connection()).isEqualTo("primary");
    assertThat(rb.source().key()).containsExactly("id");
    assertThat(rb.source().version()).isNull();
    assertThat(rb.target().connection()).isEqualTo("primary");
    assertThat(rb.target().create()).isFalse();
    assertThat(rb.reverse()).isEmpty();
    assertThat(rb.dualWrite().mode()).isEqualTo("trigger");
    assertThat(rb.backfill()).isEqualTo(new Runbook.Backfill(10_000, 1, 0, 50));
    assertThat(rb.reconcile()).isEqualTo(new Runbook.Reconcile(10_000, 0.0001, 3, "1h"));
    assertThat(rb.readCutover()).isEqualTo(new Runbook.ReadCutover(List.of(1, 10, 50, 100), "10m"));
    assertThat(rb.gates()).isEqualTo(new Runbook.Gates(List.of(), false, List.of("backfill", "reconcile")));
    assertThat(rb.decommission()).isEqualTo(new Runbook.Decommission("7d", "1m"));
    assertThat(rb.rollback().truncateTarget()).isFalse();
  }

  @Test
  void acceptsACompositeKeyAsAList() {
    Runbook rb = parse("""
        name: orders-v2
        source: {table: orders, key: [tenant_id, id]}
        target: {table: orders_v2}
        mapping:
          tenant: tenant_id
          id: id
        """);

    assertThat(rb.source().key()).containsExactly("tenant_id", "id");
    assertThat(rb.targetKey()).containsExactly("tenant", "id");
    assertThat(rb.source().tableName()).isEqualTo(new TableName("public", "orders"));
  }

  @Test
  void writesBackTheYamlItRead() {
    Runbook rb = RunbookLoader.load(EXAMPLE);

    assertThat(RunbookLoader.parse("again.yaml", RunbookLoader.toYaml(rb))).isEqualTo(rb);
  }

  @Test
  void reportsAMissingFileByName() {
    assertThat(problems(() -> RunbookLoader.load(Path.of("no-such-runbook.yaml"))))
        .containsExactly("no-such-runbook.yaml:1:1: no such file");
  }

  @Test
  void reportsAYamlSyntaxErrorWhereTheParserStopped() {
    assertThat(problems("""
        name: customers-v2
        source:
          table: public.customers
           key: id
        """)).containsExactly("rb.yaml:4:7: mapping values are not allowed here");
  }

  @Test
  void reportsAnUnclosedBracketWithWhatWasExpectedAndWhereItOpened() {
    assertThat(problems("""
        name: customers-v2
        source: {table: public.customers, key: id
        target: {table: public.customers_v2}
        """)).containsExactly(
            "rb.yaml:3:7: expected ',' or '}', but got : (while parsing a flow mapping started at line 2, column 9)");
  }

  @Test
  void reportsAnUnknownKeyWithItsLineAndTheKnownKeys() {
    assertThat(problems(MINIMAL + """
        backfill:
          chunkRows: 500
          parallel: 4
        """)).containsExactly("rb.yaml:9:3: unknown key 'parallel' in 'backfill'; known keys: "
            + "chunkRows, maxRowsPerSecond, parallelism, targetChunkMillis");
  }

  @Test
  void reportsAnUnknownTopLevelKeyWithTheKnownSections() {
    assertThat(problems(MINIMAL + "gate: {approvers: [bob]}\n")).singleElement().asString()
        .startsWith("rb.yaml:7:1: unknown key 'gate'; known keys: backfill, decommission, dualWrite, gates, mapping,");
  }

  @Test
  void reportsEveryMissingRequiredSection() {
    assertThat(problems("reverse:\n  id: id\n")).containsExactly(
        "rb.yaml:1:1: missing field 'name' (the migration id: lowercase letters, digits, '-')",
        "rb.yaml:1:1: missing section 'source' {connection, table, key}",
        "rb.yaml:1:1: missing section 'target' {connection, table}",
        "rb.yaml:1:1: missing section 'mapping': target column -> SQL expression over source columns");
  }

  @Test
  void reportsAMissingSourceTableAndKeyAtTheSourceSection() {
    assertThat(problems("""
        name: customers-v2
        target: {table: public.customers_v2}
        source:
          connection: primary
        mapping:
          id: id
        """)).containsExactly(
            "rb.yaml:3:1: missing field 'source.table' (schema.table)",
            "rb.yaml:3:1: missing field 'source.key': name the key column (or a list of them)");
  }

  @Test
  void refusesAnEmptyRunbook() {
    assertThat(problems("")).singleElement().asString().startsWith("rb.yaml:1:1: ");
  }

  @Test
  void refusesAHostileTableNameWithItsLine() {
    assertThat(problems("""
        name: customers-v2
        source:
          key: id
          table: "public.customers; drop table x"
        target: {table: public.customers_v2}
        mapping:
          id: id
        """)).containsExactly("rb.yaml:4:3: table name part 'customers; drop table x' is not a plain identifier"
            + " (letters, digits, '_', at most 63)");
  }

  @Test
  void refusesATableNameWithMoreThanTwoParts() {
    assertThat(problems(MINIMAL.replace("public.customers_v2", "db.public.customers_v2")))
        .containsExactly("rb.yaml:3:10: table 'db.public.customers_v2' must be 'schema.table' or 'table'");
  }

  @Test
  void refusesAHostileMappingColumnName() {
    assertThat(problems(MINIMAL + "  \"x\\\" text; --\": full_name\n"))
        .singleElement().asString().startsWith("rb.yaml:7:3: target column 'x\" text; --' is not a plain identifier");
  }

  @Test
  void refusesTheSourceTableAsTarget() {
    assertThat(problems(MINIMAL.replace("public.customers_v2", "customers")))
        .containsExactly("rb.yaml:3:10: target table is the source table; name a new table");
  }

  @Test
  void refusesAMigrationNameThatIsNotLowercase() {
    assertThat(problems(MINIMAL.replace("name: customers-v2", "name: Customers_V2"))).containsExactly(
        "rb.yaml:1:1: name 'Customers_V2' must be 1-48 lowercase letters, digits and '-',"
            + " starting and ending with a letter or digit");
  }

  @Test
  void refusesADuplicateTargetColumnWithItsLine() {
    assertThat(problems(MINIMAL + "  full_name: upper(full_name)\n"))
        .singleElement().asString().startsWith("rb.yaml:7:").contains("Duplicate field 'full_name'");
  }

  @Test
  void refusesAKeyColumnTheMappingDoesNotCarry() {
    assertThat(problems("""
        name: customers-v2
        source: {table: public.customers, key: id}
        target: {table: public.customers_v2}
        mapping:
          customer_id: id + 0
          full_name: full_name
        """)).containsExactly("rb.yaml:4:1: key column 'id' must be carried unchanged to the target"
            + " (e.g. 'id: id') so rows can be matched");
  }

  @Test
  void refusesAReverseMappingThatDoesNotCarryTheKeyBack() {
    assertThat(problems(MINIMAL + "reverse:\n  full_name: full_name\n"))
        .containsExactly("rb.yaml:7:1: reverse must carry the key back unchanged: add 'id: id'");
  }

  @Test
  void refusesCanaryStepsThatDoNotRiseWithOneProblemAtTheStep() {
    assertThat(problems(MINIMAL + "readCutover:\n  steps: [1, 50, 10, 100]\n"))
        .containsExactly("rb.yaml:8:18: canary steps must rise strictly within 1..100, got 10");
  }

  @Test
  void refusesCanaryStepsThatDoNotEndAtOneHundred() {
    assertThat(problems(MINIMAL + """
        readCutover:
          steps:
            - 1
            - 50
        """)).containsExactly("rb.yaml:8:3: the last canary step must be 100 so every read moves, got 50");
  }

  @Test
  void refusesCanaryStepsAboveOneHundred() {
    assertThat(problems(MINIMAL + "readCutover: {steps: [10, 100, 200]}\n"))
        .containsExactly("rb.yaml:7:32: canary steps must rise strictly within 1..100, got 200");
  }

  @Test
  void refusesAnEmptyCanaryStepWithItsLine() {
    assertThat(problems(MINIMAL + "readCutover:\n  steps:\n    - 10\n    -\n    - 100\n"))
        .containsExactly("rb.yaml:10:6: canary steps must rise strictly within 1..100, got null");
  }

  @Test
  void refusesAnEmptyMappingValueWithItsLine() {
    assertThat(problems("""
        name: customers-v2
        source: {table: public.customers, key: id}
        target: {table: public.customers_v2}
        mapping:
          full_name:
          id: id
        """)).containsExactly("rb.yaml:5:3: target column 'full_name': expression is empty");
  }

  @Test
  void refusesAnEmptyApproverWithItsLine() {
    assertThat(problems(MINIMAL + "gates:\n  approvers:\n    - alice\n    - ~\n"))
        .containsExactly("rb.yaml:10:7: approver name is empty");
  }

  @Test
  void refusesNoCanarySteps() {
    assertThat(problems(MINIMAL + "readCutover: {steps: []}\n"))
        .containsExactly("rb.yaml:7:15: readCutover.steps must not be empty; the last step must be 100");
  }

  @Test
  void refusesBadDurationsEachAtItsLine() {
    assertThat(problems(MINIMAL + """
        reconcile:
          interval: soon
        readCutover:
          soak: 10 minutes
        decommission:
          retain: 7days
          quiet: PT-1M
        """)).containsExactly(
            "rb.yaml:8:3: 'soon' is not a duration; write 30s, 10m, 72h, 7d or ISO-8601 like PT10M",
            "rb.yaml:10:3: '10 minutes' is not a duration; write 30s, 10m, 72h, 7d or ISO-8601 like PT10M",
            "rb.yaml:12:3: '7days' is not a duration; write 30s, 10m, 72h, 7d or ISO-8601 like PT10M",
            "rb.yaml:13:3: duration must not be negative");
  }

  @Test
  void refusesADurationTooLongToRepresent() {
    assertThat(problems(MINIMAL + "decommission: {retain: 99999999999999999999d}\n"))
        .singleElement().asString().startsWith("rb.yaml:7:16: '99999999999999999999d' is too long");
  }

  @Test
  void refusesAnAutoGateThatDoesNotExist() {
    assertThat(problems(MINIMAL + """
        gates:
          approvers: [alice, bob]
          auto:
            - backfill
            - bakfill
        """)).containsExactly("rb.yaml:11:7: unknown gate 'bakfill'; gates are dual-write, backfill, reconcile,"
            + " read-cutover, read-cutover-10, read-cutover-50, read-cutover-100, write-cutover, decommission,"
            + " drop-legacy");
  }

  @Test
  void refusesToOpenThePointOfNoReturnAutomatically() {
    assertThat(problems(MINIMAL + "gates: {approvers: [alice, bob], auto: [reconcile, decommission, drop-legacy]}\n"))
        .containsExactly(
            "rb.yaml:7:52: gate 'decommission' is past the point of no return and always needs a person",
            "rb.yaml:7:66: gate 'drop-legacy' is past the point of no return and always needs a person");
  }

  @Test
  void refusesTheTwoPersonRuleWithASingleApprover() {
    assertThat(problems(MINIMAL + "gates:\n  approvers: [alice]\n  twoPersonRule: true\n"))
        .containsExactly("rb.yaml:8:3: twoPersonRule needs at least two approvers: the starter may not approve");
  }

  @Test
  void refusesANonTriggerDualWriteMode() {
    assertThat(problems(MINIMAL + "dualWrite: {mode: application}\n"))
        .containsExactly("rb.yaml:7:13: dualWrite.mode 'application' is not supported; use 'trigger'");
  }

  @Test
  void refusesOutOfRangeNumbersAndWrongTypes() {
    assertThat(problems(MINIMAL + "backfill: {parallelism: 0}\nreconcile: {maxDriftRatio: 2}\n")).containsExactly(
        "rb.yaml:7:12: backfill.parallelism must be between 1 and 64, got 0",
        "rb.yaml:8:13: maxDriftRatio must be between 0 and 1, got 2.0");
    assertThat(problems(MINIMAL + "backfill: {chunkRows: many}\n")).singleElement().asString()
        .startsWith("rb.yaml:7:12: 'backfill.chunkRows': Cannot deserialize value of type Integer from String \"many\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      lower(email); drop table customers | ';' ends a statement; a mapping value is one SQL expression
      lower(email) -- keep it quiet      | comments are not allowed in a mapping expression
      lower(email) /* hm */              | comments are not allowed in a mapping expression
      $$x$$                              | dollar quoting is not allowed in a mapping expression
      lower(email                        | unbalanced '('
      lower(email))                      | unbalanced ')'
      'abc                               | unterminated string literal
      """)
  void refusesAMappingValueThatIsNotOneExpression(String expression, String why) {
    String yaml = MINIMAL + "  email: \"" + expression.replace("\"", "\\\"") + "\"\n";

    assertThat(problems(yaml)).containsExactly("rb.yaml:7:3: target column 'email': " + why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"'a;b'", "'it''s -- fine'", "\"weird;name\"", "coalesce(a, 'x')::text", "a / 2 * (b - 1)"})
  void acceptsSemicolonsAndDashesInsideQuotes(String expression) {
    assertThat(SqlExpressions.problem(expression)).isNull();
  }

  @ParameterizedTest
  @CsvSource({"30s, PT30S", "10m, PT10M", "72h, PT72H", "7d, PT168H", "250ms, PT0.25S", "PT10M, PT10M",
      "P2D, PT48H", "0, PT0S", "' 5m ', PT5M"})
  void parsesRunbookDurations(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "10 minutes", "5x", "1.5h", "-5s", "m", "10M"})
  void refusesGarbageDurations(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a duration; write 30s, 10m, 72h, 7d or ISO-8601 like PT10M");
  }

  @Test
  void refusesEmptyAndOverlongDurations() {
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duration is empty");
    assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("999999999999999d")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'999999999999999d' is too long");
  }

  @Test
  void formatsDurationsTheWayRunbooksWriteThem() {
    assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    assertThat(Durations.format(Duration.ofHours(72))).isEqualTo("3d");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
  }

  private static Runbook parse(String yaml) {
    return RunbookLoader.parse("rb.yaml", yaml);
  }

  private static List<String> problems(String yaml) {
    return problems(() -> parse(yaml));
  }

  private static List<String> problems(Runnable load) {
    InvalidRunbookException e = catchThrowableOfType(InvalidRunbookException.class, load::run);
    assertThat(e).as("the runbook should have been refused").isNotNull();
    return List.of(e.getMessage().split("\n"));
  }

  private static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }
}
