package dev.cutover.cli;

import dev.cutover.TaskQueue;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "dev", description = {"Embedded Temporal, PostgreSQL and a worker in one process; blocks.",
    "Temporal is the Java test server in real time. Stops on Ctrl-C; everything it holds is thrown away."})
class DevCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--temporal-port", paramLabel = "PORT", defaultValue = "7233",
      description = "Temporal's port (default ${DEFAULT-VALUE})")
  int temporalPort;

  @Option(names = "--pg-port", paramLabel = "PORT", defaultValue = "0",
      description = "PostgreSQL's port (default: any free port)")
  int pgPort;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    DevStack stack = DevStack.start(temporalPort, false, pgPort, Map.of());
    printConnections(stack, out);
    out.println("Ctrl-C stops everything.");
    out.flush();
    blockUntilShutdown(stack);
    return ExitCode.OK;
  }

  static void printConnections(DevStack stack, PrintWriter out) {
    out.println("Temporal    " + stack.temporalAddress() + " (namespace default, task queue " + TaskQueue.NAME + ")");
    out.println("PostgreSQL  " + stack.jdbcUrl() + " (user " + DevStack.DB_USER + ", no password)");
    out.println("            psql -h localhost -p " + stack.pgPort() + " -U " + DevStack.DB_USER + " " + DevStack.DB_NAME);
    out.println("worker      running in this process, connection 'primary' = the PostgreSQL above");
    out.println();
    out.println("In a second terminal:");
    out.println("  export TEMPORAL_ADDRESS=" + stack.temporalAddress());
    out.println("  ./cutover start runbooks/customers-v2.yaml --as alice   # tables must exist in the database above");
    out.println("  ./cutover status customers-v2");
    out.println("  ./cutover list");
  }

  static void blockUntilShutdown(DevStack stack) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "cutover-dev-shutdown"));
    stopped.await();
  }
}
