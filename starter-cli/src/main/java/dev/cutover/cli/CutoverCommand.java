package dev.cutover.cli;

import dev.cutover.runbook.Durations;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "cutover", mixinStandardHelpOptions = true, version = "cutover 0.1.0",
    description = "Durable, human-gated, zero-downtime PostgreSQL table migrations on Temporal.",
    subcommands = {
        ValidateCommand.class, StartCommand.class, StatusCommand.class, WaitCommand.class, ApproveCommand.class,
        AbortCommand.class, HistoryCommand.class, ListCommand.class, WorkerCommand.class, DevCommand.class,
        DemoCommand.class, CommandLine.HelpCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0 ok                             1 unexpected error",
        "  2 invalid input (runbook, args)  3 not found or already running",
        "  4 refused (gate not pending, approver not allowed, abort past decommission)",
        "  5 wait timed out                 6 the migration ended FAILED or ROLLED_BACK",
        "",
        "Temporal: --address/--namespace over TEMPORAL_ADDRESS (default 127.0.0.1:7233)",
        "and TEMPORAL_NAMESPACE; TEMPORAL_API_KEY, TEMPORAL_TLS_CERT/_KEY/_CA."})
public class CutoverCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  /** The whole command line, configured the same way for {@link #main} and for tests. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new CutoverCommand());
    cl.registerConverter(Duration.class, Durations::parse);
    cl.setExecutionExceptionHandler(new FailureHandler());
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
