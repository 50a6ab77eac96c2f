package dev.cutover.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The real PostgreSQL tests run against, chosen once per JVM: the server named by
 * {@code CUTOVER_TEST_JDBC_URL}; else Testcontainers when a Docker engine answers; else an embedded
 * PostgreSQL started from the Maven dependency. Each test gets a fresh database of its own.
 */
public final class TestDatabase {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static volatile Server server;

  /** A server: an admin URL and the template for per-test database URLs. */
  private record Server(String host, int port, String user, String password, String adminDb, String description) {
    String url(String db) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }
  }

  private final String name;
  private final String url;

  private TestDatabase(String name, String url) {
    this.name = name;
    this.url = url;
  }

  /** Creates a new empty database on the shared test server. */
  public static TestDatabase create() {
    Server s = server();
    String db = "cutover_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(s.url(s.adminDb()), s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + db);
      st.execute("CREATE DATABASE " + db);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + s.description(), e);
    }
    return new TestDatabase(db, s.url(db));
  }

  public String url() {
    return url;
  }

  public String user() {
    return server().user();
  }

  public String password() {
    return server().password();
  }

  public String name() {
    return name;
  }

  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(user());
    ds.setPassword(password());
    return ds;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user(), password());
  }

  /** Runs statements in autocommit mode. */
  public void execute(String... sql) {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String sql) {
    try (Connection c = connect(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static Server server() {
    if (server == null) {
      synchronized (TestDatabase.class) {
        if (server == null) {
          server = start();
        }
      }
    }
    return server;
  }

  private static Server start() {
    String url = System.getenv("CUTOVER_TEST_JDBC_URL");
    if (url != null && !url.isBlank()) {
      // jdbc:postgresql://host:port/db
      String rest = url.substring("jdbc:postgresql://".length());
      String hostPort = rest.substring(0, rest.indexOf('/'));
      String db = rest.substring(rest.indexOf('/') + 1).replaceAll("\\?.*", "");
      String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
      int port = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : 5432;
      String user = System.getenv().getOrDefault("CUTOVER_TEST_JDBC_USER", "postgres");
      String password = System.getenv().getOrDefault("CUTOVER_TEST_JDBC_PASSWORD", "");
      return new Server(host, port, user, password, db, url);
    }
    if (dockerAvailable()) {
      PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:17-alpine");
      pg.start();
      Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
      return new Server(pg.getHost(), pg.getFirstMappedPort(), pg.getUsername(), pg.getPassword(),
          pg.getDatabaseName(), "Testcontainers " + pg.getJdbcUrl());
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setServerConfig("max_connections", "200")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
      return new Server("localhost", pg.getPort(), "postgres", "", "postgres", "embedded PostgreSQL :" + pg.getPort());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL", e);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }
}
