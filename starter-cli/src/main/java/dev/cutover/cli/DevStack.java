package dev.cutover.cli;

import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Everything {@code dev} and {@code demo} run in one process: Temporal's Java test server (real time, no time
 * skipping), an embedded PostgreSQL and the Spring worker with connection {@code primary} pointed at it.
 */
final class DevStack implements AutoCloseable {
  static final String DB_USER = "postgres";
  static final String DB_NAME = "postgres";

  private final TestServer.PortBoundTestServer temporal;
  private final int temporalPort;
  private final EmbeddedPostgres postgres;
  private ConfigurableApplicationContext worker;

  private DevStack(TestServer.PortBoundTestServer temporal, int temporalPort, EmbeddedPostgres postgres) {
    this.temporal = temporal;
    this.temporalPort = temporalPort;
    this.postgres = postgres;
  }

  /**
   * @param temporalPort the port for Temporal; when taken and {@code orAnyFreePort}, any free one
   * @param pgPort the port for PostgreSQL, 0 for any free one
   */
  static DevStack start(int temporalPort, boolean orAnyFreePort, int pgPort, Map<String, String> workerProperties) {
    TestServer.PortBoundTestServer server;
    int port = temporalPort;
    try {
      // createPortBoundServer(port) locks time skipping: timers fire in real time, as on a real server.
      server = TestServer.createPortBoundServer(port);
    } catch (RuntimeException e) {
      if (!orAnyFreePort) {
        throw new CliFailure(ExitCode.UNEXPECTED, "cannot serve Temporal on port " + temporalPort
            + " (is another Temporal running there?); pass --temporal-port");
      }
      port = freePort();
      server = TestServer.createPortBoundServer(port);
    }
    EmbeddedPostgres pg;
    try {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
          // a throwaway database: durability buys nothing here and costs the demo time
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "100");
      if (pgPort > 0) {
        b.setPort(pgPort);
      }
      pg = b.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw new CliFailure(ExitCode.UNEXPECTED, "cannot start the embedded PostgreSQL"
          + (pgPort > 0 ? " on port " + pgPort : "") + ": " + e.getMessage());
    }
    DevStack stack = new DevStack(server, port, pg);
    try {
      Map<String, String> p = new LinkedHashMap<>();
      p.put("spring.temporal.connection.target", stack.temporalAddress());
      p.put("spring.temporal.namespace", "default");
      p.put("cutover.connections.primary.url", stack.jdbcUrl());
      p.put("cutover.connections.primary.username", DB_USER);
      p.put("cutover.connections.primary.password", "");
      // the test server has no worker heartbeats; the worker says so once at WARN, which is no news here
      p.put("logging.level.io.temporal.internal.worker.HeartbeatManager", "ERROR");
      p.putAll(workerProperties);
      stack.worker = SpringWorker.start(p, null);
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
    return stack;
  }

  String temporalAddress() {
    return "127.0.0.1:" + temporalPort;
  }

  int temporalPort() {
    return temporalPort;
  }

  int pgPort() {
    return postgres.getPort();
  }

  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DB_NAME;
  }

  /** Stops the worker first so no activity is cut off by its database or Temporal disappearing under it. */
  @Override
  public void close() {
    if (worker != null) {
      worker.close();
    }
    temporal.close();
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
