package dev.cutover.cli;

import static dev.cutover.cli.CommandRun.expect;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTests {

  @Test
  void shouldMigrateTheDemoTableUnderLiveLoadAndEndWithNoDifference() {
    CommandRun demo = expect(ExitCode.OK, "demo", "--rows", "3000", "--temporal-port",
        String.valueOf(DevStack.freePort()), "--runbook", "../runbooks/customers-v2.yaml");

    assertThat(demo.out())
        .contains("started migration customers-v2 as alice")
        .contains("gate decommission approved by bob")
        .contains("migration customers-v2 ended COMPLETED")
        .contains("difference   = 0")
        .containsPattern("application\\s+[\\d,]+ inserts, [\\d,]+ updates, [\\d,]+ deletes, [\\d,]+ key changes")
        .contains("cutover history customers-v2");
  }
}
