package dev.cutover.sql;

import dev.cutover.failure.Failures;
import dev.cutover.runbook.TableName;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way cutover runs SQL: identifiers quoted by {@link #ident}, values always bind parameters,
 * transactions owned here, DDL under a short {@code lock_timeout} and retried with backoff on SQLSTATE
 * 55P03 so the application never queues behind cutover, and failures that keep their SQLSTATE.
 */
public final class Sql {
  private static final Logger log = LoggerFactory.getLogger(Sql.class);

  /** DDL waits at most this long for its lock, then backs off and tries again. */
  public static final Duration DDL_LOCK_TIMEOUT = Duration.ofSeconds(2);
  static final int DDL_ATTEMPTS = 8;
  static final int DEADLOCK_ATTEMPTS = 5;

  /** SQLSTATE classes a retry cannot fix: integrity (23), data (22), syntax/undefined objects (42). */
  private static final Set<String> CONSTRAINT_STATES = Set.of("23505", "23502", "23503", "23514", "23P01");

  private Sql() {}

  @FunctionalInterface
  public interface Body<T> {
    T apply(Connection c) throws SQLException;
  }

  /** The one quoting function for identifiers. */
  public static String ident(String identifier) {
    if (identifier == null || identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid identifier: " + identifier);
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  public static String table(TableName t) {
    return ident(t.schema()) + "." + ident(t.name());
  }

  public static String idents(List<String> identifiers) {
    return identifiers.stream().map(Sql::ident).collect(Collectors.joining(", "));
  }

  /** One read-committed transaction; deadlocks and serialization failures are retried here. */
  public static <T> T inTransaction(DataSource ds, Body<T> body) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        return run(c, false, body);
      } catch (SQLException e) {
        if (isRetryableConflict(e) && attempt < DEADLOCK_ATTEMPTS) {
          backoff(attempt, e);
          continue;
        }
        throw failure(e);
      }
    }
  }

  /** One read-only repeatable-read transaction: every statement in it sees the same snapshot. */
  public static <T> T inSnapshot(DataSource ds, Body<T> body) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
          return run(c, true, body);
        } finally {
          if (!c.isClosed()) {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          }
        }
      } catch (SQLException e) {
        if (isRetryableConflict(e) && attempt < DEADLOCK_ATTEMPTS) {
          backoff(attempt, e);
          continue;
        }
        throw failure(e);
      }
    }
  }

  /**
   * A schema change as one short transaction under {@link #DDL_LOCK_TIMEOUT}; on 55P03 (lock not
   * available) it rolls back, waits and tries again, so a long application transaction delays cutover,
   * never the other way round.
   */
  public static <T> T ddl(DataSource ds, Body<T> body) {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = ds.getConnection()) {
        return run(c, false, conn -> {
          try (Statement s = conn.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + DDL_LOCK_TIMEOUT.toMillis() + "ms'");
          }
          return body.apply(conn);
        });
      } catch (SQLException e) {
        boolean lockBusy = "55P03".equals(e.getSQLState());
        if ((lockBusy && attempt < DDL_ATTEMPTS) || (isRetryableConflict(e) && attempt < DEADLOCK_ATTEMPTS)) {
          backoff(attempt, e);
          continue;
        }
        if (lockBusy) {
          throw ApplicationFailure.newFailure("could not take the lock for a schema change within "
              + DDL_LOCK_TIMEOUT.toMillis() + "ms after " + attempt
              + " attempts; a long transaction holds the table (see pg_stat_activity); will retry",
              "SQLSTATE_55P03");
        }
        throw failure(e);
      }
    }
  }

  private static <T> T run(Connection c, boolean readOnly, Body<T> body) throws SQLException {
    c.setAutoCommit(false);
    c.setReadOnly(readOnly);
    try {
      T result = body.apply(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      if (!c.isClosed()) {
        c.setReadOnly(false);
        c.setAutoCommit(true);
      }
    }
  }

  public static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      return ps.executeUpdate();
    }
  }

  public static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  public static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
  }

  /** Marks this transaction's writes as cutover's own, so neither sync trigger reacts to them. */
  public static void markApplying(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT set_config('cutover.applying', 'on', true)");
    }
  }

  /**
   * Deadlocks, serialization failures and lost connections (a failover, a proxy restart, an admin
   * terminating the backend): the transaction rolled back, and every cutover transaction is idempotent,
   * so running it again on a fresh connection is safe and cheaper than failing the whole activity.
   */
  private static boolean isRetryableConflict(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return state.equals("40P01") || state.equals("40001") || state.startsWith("08")
        || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
  }

  private static void backoff(int attempt, SQLException e) {
    long millis = Math.min(5_000, 100L << Math.min(attempt, 6));
    log.info("SQLSTATE {} ({}), retrying in {} ms", e.getSQLState(), e.getMessage(), millis);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", ie);
    }
  }

  /**
   * Maps an SQL error to a Temporal failure that keeps its SQLSTATE. Integrity, data and undefined-object
   * errors are non-retryable; everything else (lost connections, timeouts) retries.
   */
  public static ApplicationFailure failure(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = e.getMessage() + (state.isEmpty() ? "" : " [SQLSTATE " + state + "]");
    if (CONSTRAINT_STATES.contains(state)) {
      return ApplicationFailure.newNonRetryableFailure(message, Failures.CONSTRAINT_VIOLATION);
    }
    if (state.startsWith("22")) {
      return ApplicationFailure.newNonRetryableFailure(message, Failures.INCOMPATIBLE_TYPES);
    }
    if (state.equals("42P01") || state.equals("42703") || state.equals("42883") || state.equals("3F000")) {
      return ApplicationFailure.newNonRetryableFailure(message, Failures.MISSING_OBJECT);
    }
    if (state.startsWith("42")) {
      return ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_RUNBOOK);
    }
    return ApplicationFailure.newFailure(message, "SQLSTATE_" + (state.isEmpty() ? "none" : state));
  }
}
