package dev.cutover.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/** An open connection to Temporal for one command; closing it shuts the channel down. */
public record Temporal(String address, String namespace, WorkflowServiceStubs stubs, WorkflowClient client)
    implements AutoCloseable {

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(2, TimeUnit.SECONDS);
  }
}
