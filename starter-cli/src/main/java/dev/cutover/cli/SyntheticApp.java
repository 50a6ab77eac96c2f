package dev.cutover.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The demo's live application: a few threads that insert, update, delete, change keys and read the whole time the
 * migration runs, honouring the flags in {@code cutover.flags} the way a real application would: {@code read_percent}
 * is the share of reads served by the new table, {@code write_target} 1 sends every write to the new table in its
 * own columns. Rate-limited, and it stops by itself after {@code maxRunTime} if nobody stops it first.
 */
final class SyntheticApp implements AutoCloseable {
  enum Kind { INSERT, UPDATE, DELETE, KEY_CHANGE, READ_LEGACY, READ_NEW }

  static final Duration FLAG_POLL = Duration.ofMillis(200);

  private final HikariDataSource pool;
  private final String migration;
  private final int writers;
  private final Duration maxRunTime;
  private final Consumer<String> onFlagChange;
  private final Map<Kind, LongAdder> counts = new EnumMap<>(Kind.class);
  private final LongAdder errors = new LongAdder();
  private final LongAdder retried = new LongAdder();
  private final List<String> errorSamples = new ArrayList<>();
  private final AtomicLong maxId = new AtomicLong(1);
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;
  private volatile int readPercent;
  private volatile int writeTarget;

  SyntheticApp(String jdbcUrl, String user, String password, String migration, int writers, Duration maxRunTime,
      Consumer<String> onFlagChange) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("demo-app");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(writers + 2);
    config.addDataSourceProperty("ApplicationName", "cutover-demo-app");
    this.pool = new HikariDataSource(config);
    this.migration = migration;
    this.writers = writers;
    this.maxRunTime = maxRunTime;
    this.onFlagChange = onFlagChange;
    for (Kind k : Kind.values()) {
      counts.put(k, new LongAdder());
    }
  }

  void start() throws SQLException {
    try (Connection c = pool.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT coalesce(max(id), 1) FROM public.customers")) {
      rs.next();
      maxId.set(rs.getLong(1));
    }
    running = true;
    long deadline = System.nanoTime() + maxRunTime.toNanos();
    threads.add(new Thread(() -> loop(deadline, FLAG_POLL.toMillis(), this::pollFlags), "demo-app-flags"));
    for (int i = 0; i < writers; i++) {
      threads.add(new Thread(() -> loop(deadline, 8, this::write), "demo-app-writer-" + i));
    }
    threads.add(new Thread(() -> loop(deadline, 4, this::read), "demo-app-reader"));
    threads.forEach(t -> {
      t.setDaemon(true);
      t.start();
    });
  }

  private interface Step {
    void run(Connection c) throws SQLException;
  }

  private void loop(long deadline, long pauseMillis, Step step) {
    while (running && System.nanoTime() < deadline) {
      try (Connection c = pool.getConnection()) {
        step.run(c);
      } catch (SQLException e) {
        errors.increment();
        synchronized (errorSamples) {
          if (errorSamples.size() < 5) {
            errorSamples.add(e.getSQLState() + " " + e.getMessage().split("\n")[0]);
          }
        }
      }
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void pollFlags(Connection c) throws SQLException {
    int read = 0;
    int write = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT name, value FROM cutover.flags WHERE migration = ?")) {
      ps.setString(1, migration);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          switch (rs.getString(1)) {
            case "read_percent" -> read = rs.getInt(2);
            case "write_target" -> write = rs.getInt(2);
            default -> { }
          }
        }
      }
    } catch (SQLException e) {
      if (!"42P01".equals(e.getSQLState())) {
        throw e;
      }
      // no cutover.flags yet: nothing has been flipped
    }
    if (read != readPercent) {
      readPercent = read;
      onFlagChange.accept("app now reads " + read + "% from customers_v2 (read_percent=" + read + ")");
    }
    if (write != writeTarget) {
      writeTarget = write;
      onFlagChange.accept("app now writes " + (write == 1 ? "customers_v2" : "customers") + " (write_target="
          + write + ")");
    }
  }

  private void write(Connection c) throws SQLException {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int r = rnd.nextInt(100);
    Kind kind = r < 35 ? Kind.INSERT : r < 75 ? Kind.UPDATE : r < 87 ? Kind.DELETE : Kind.KEY_CHANGE;
    boolean toNew = writeTarget == 1;
    String table = toNew ? "public.customers_v2" : "public.customers";
    String pick = "(SELECT id FROM " + table + " WHERE id >= ? ORDER BY id LIMIT 1)";
    long someId = 1 + rnd.nextLong(maxId.get());
    String first = pickOne(DemoTables.FIRST);
    String last = rnd.nextInt(20) == 0 ? null : pickOne(DemoTables.LAST);
    String email = rnd.nextInt(10) == 0 ? null : first.toLowerCase() + "." + rnd.nextInt(1_000_000) + "@example.com";
    long cents = kind == Kind.INSERT ? rnd.nextLong(1_000_000) : rnd.nextLong(-5_000, 5_000);
    String sql;
    Object[] params;
    switch (kind) {
      case INSERT -> {
        sql = toNew
            ? "INSERT INTO public.customers_v2 (id, first_name, last_name, email, balance_cents, updated_at)"
                + " VALUES (nextval('public.customer_ids'), ?, ?, ?, ?, now()) RETURNING id"
            : "INSERT INTO public.customers (full_name, email, balance) VALUES (?, ?, ?::numeric / 100) RETURNING id";
        params = toNew ? new Object[] {first, last, email, cents} : new Object[] {fullName(first, last), email, cents};
      }
      case UPDATE -> {
        sql = toNew
            ? "UPDATE public.customers_v2 SET last_name = ?, email = ?, balance_cents = balance_cents + ?,"
                + " updated_at = now() WHERE id = " + pick + " RETURNING id"
            : "UPDATE public.customers SET full_name = ?, email = ?, balance = balance + ?::numeric / 100,"
                + " updated_at = now() WHERE id = " + pick + " RETURNING id";
        params = new Object[] {toNew ? last : fullName(first, last), email, cents, someId};
      }
      case DELETE -> {
        sql = "DELETE FROM " + table + " WHERE id = " + pick + " RETURNING id";
        params = new Object[] {someId};
      }
      case KEY_CHANGE -> {
        sql = "UPDATE " + table + " SET id = nextval('public.customer_ids'), updated_at = now() WHERE id = " + pick
            + " RETURNING id";
        params = new Object[] {someId};
      }
      default -> throw new IllegalStateException(kind.name());
    }
    // A deadlock is expected where writers meet from both sides: at the write_target flip, a write still going to
    // the legacy table (forward trigger) can cross one already going to the new table (reverse trigger). Like any
    // application, retry the statement.
    for (int attempt = 1; ; attempt++) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (kind == Kind.INSERT || kind == Kind.KEY_CHANGE) {
              maxId.accumulateAndGet(rs.getLong(1), Math::max);
            }
          }
        }
        break;
      } catch (SQLException e) {
        if (attempt >= 3 || !("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()))) {
          throw e;
        }
        retried.increment();
      }
    }
    counts.get(kind).increment();
  }

  private void read(Connection c) throws SQLException {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    boolean fromNew = rnd.nextInt(100) < readPercent;
    String sql = fromNew
        ? "SELECT id, first_name, last_name, email, balance_cents FROM public.customers_v2 WHERE id >= ? ORDER BY id"
            + " LIMIT 1"
        : "SELECT id, full_name, email, balance FROM public.customers WHERE id >= ? ORDER BY id LIMIT 1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, 1 + rnd.nextLong(maxId.get()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
      }
    }
    counts.get(fromNew ? Kind.READ_NEW : Kind.READ_LEGACY).increment();
  }

  /** The legacy form: never a double space, so the mapping splits it back exactly. */
  private static String fullName(String first, String last) {
    return last == null ? first : first + " " + last;
  }

  private static String pickOne(String[] options) {
    return options[ThreadLocalRandom.current().nextInt(options.length)];
  }

  long count(Kind kind) {
    return counts.get(kind).sum();
  }

  long errors() {
    return errors.sum();
  }

  /** Statements that hit a deadlock and succeeded when retried. */
  long retried() {
    return retried.sum();
  }

  List<String> errorSamples() {
    synchronized (errorSamples) {
      return List.copyOf(errorSamples);
    }
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    pool.close();
  }
}
