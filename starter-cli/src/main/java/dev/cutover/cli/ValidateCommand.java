package dev.cutover.cli;

import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.RunbookLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Check a runbook offline: ok, or exit 2 with FILE:LINE:COL: message per problem.")
class ValidateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the runbook (YAML)")
  Path file;

  @Override
  public Integer call() {
    Runbook rb = RunbookLoader.load(file);
    spec.commandLine().getOut().println("ok: " + rb.name() + " (" + phaseCount(rb) + " phases, gates: "
        + rb.gateNames().stream().map(g -> rb.gates().auto().contains(g) ? g + " (auto)" : g)
            .collect(Collectors.joining(", ")) + ")");
    return ExitCode.OK;
  }

  /** baseline, then one phase behind each gate. */
  static int phaseCount(Runbook rb) {
    return 1 + rb.gateNames().size();
  }
}
