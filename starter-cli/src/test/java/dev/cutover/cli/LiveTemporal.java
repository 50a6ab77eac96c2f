package dev.cutover.cli;

import dev.cutover.testing.TestDatabase;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the command line talks to in tests, started once per JVM: Temporal's test server bound to a free port (real
 * time), a fresh PostgreSQL database, and the Spring worker the {@code worker} and {@code dev} commands run, with
 * connection {@code primary} pointed at that database.
 */
final class LiveTemporal {
  private static LiveTemporal instance;

  final TestDatabase db;
  final int port;
  private final TestServer.PortBoundTestServer server;
  private final ConfigurableApplicationContext worker;
  private final Path runbooks;

  private LiveTemporal() throws IOException {
    db = TestDatabase.create();
    port = DevStack.freePort();
    server = TestServer.createPortBoundServer(port);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.temporal.connection.target", address());
    p.put("spring.temporal.namespace", "default");
    p.put("cutover.connections.primary.url", db.url());
    p.put("cutover.connections.primary.username", db.user());
    p.put("cutover.connections.primary.password", db.password());
    worker = SpringWorker.start(p, null);
    runbooks = Files.createTempDirectory("cutover-cli-tests");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      server.close();
    }));
  }

  static synchronized LiveTemporal get() {
    if (instance == null) {
      try {
        instance = new LiveTemporal();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /**
   * Demo tables in schema {@code id} (dashes become underscores) and a runbook for them with test-speed timings;
   * one read-cutover step, so the gates are dual-write, read-cutover, write-cutover, decommission, drop-legacy.
   */
  Path customersRunbook(String id) {
    String schema = id.replace('-', '_');
    try {
      DemoTables.create(db.dataSource(), schema, 200);
      Path file = runbooks.resolve(id + ".yaml");
      Files.writeString(file, String.join("\n",
          "name: " + id,
          "source: {connection: primary, table: " + schema + ".customers, key: id, version: updated_at}",
          "target: {connection: primary, table: " + schema + ".customers_v2}",
          "mapping:",
          "  id: id",
          "  first_name: split_part(full_name, ' ', 1)",
          "  last_name: nullif(substr(full_name, length(split_part(full_name, ' ', 1)) + 2), '')",
          "  email: email",
          "  balance_cents: (balance * 100)::bigint",
          "  updated_at: updated_at",
          "reverse:",
          "  id: id",
          "  full_name: first_name || coalesce(' ' || last_name, '')",
          "  email: email",
          "  balance: balance_cents / 100.0",
          "  updated_at: updated_at",
          "backfill: {chunkRows: 100, parallelism: 2}",
          "reconcile: {chunkRows: 100, cleanCycles: 1, interval: 1s}",
          "readCutover: {steps: [100], soak: 1s}",
          "gates: {approvers: [alice, bob], twoPersonRule: true, auto: [backfill, reconcile]}",
          "decommission: {retain: 1s, quiet: 1s}",
          ""));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Arguments for a command against this Temporal: the command's own, then {@code --address}. */
  String[] args(String... args) {
    String[] out = new String[args.length + 2];
    System.arraycopy(args, 0, out, 0, args.length);
    out[args.length] = "--address";
    out[args.length + 1] = address();
    return out;
  }
}
