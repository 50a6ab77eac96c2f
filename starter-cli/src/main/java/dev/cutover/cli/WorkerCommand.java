package dev.cutover.cli;

import dev.cutover.TaskQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;

@Command(name = "worker", description = {"Run a worker for cutover's workflows and activities; blocks.",
    "Database connections come from Spring configuration: CUTOVER_CONNECTIONS_<NAME>_URL / _USERNAME / _PASSWORD",
    "(or cutover.connections.<name>.* in an application.yml next to it). Stops on Ctrl-C."})
class WorkerCommand extends ClientCommand implements Callable<Integer> {

  @Override
  public Integer call() throws InterruptedException {
    // The starter connects lazily and its pollers retry forever; check once so a wrong address is one clear line.
    temporal.connect().close();
    ConfigurableApplicationContext context = SpringWorker.start(temporal.springProperties(), temporal.sslContext());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      context.close();
      stopped.countDown();
    }, "cutover-worker-shutdown"));
    out().println("worker polling task queue " + TaskQueue.NAME + " on " + temporal.address() + " (namespace "
        + temporal.namespace() + "); Ctrl-C stops it");
    out().flush();
    stopped.await();
    return ExitCode.OK;
  }
}
