package dev.cutover.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A concurrent application: several connections insert, update, change keys, delete, write TOASTed values
 * and NULLs, on the legacy table or, once {@code write_target} is 1, on the new one. Bounded: it stops
 * when told or after its deadline.
 */
public final class LiveWriter implements AutoCloseable {
  private final TestDatabase db;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicBoolean writeNew = new AtomicBoolean();
  private final AtomicBoolean paused = new AtomicBoolean();
  private final Map<String, AtomicLong> ops = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();
  private final long deadline;

  public LiveWriter(TestDatabase db, int threads, long maxMillis) {
    this.db = db;
    this.deadline = System.currentTimeMillis() + maxMillis;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::loop, "live-writer-" + i);
      t.setDaemon(true);
      this.threads.add(t);
    }
  }

  public LiveWriter start() {
    threads.forEach(Thread::start);
    return this;
  }

  /** Moves the application's writes to the new table, as a flag flip would. */
  public void writeNewTable(boolean value) {
    writeNew.set(value);
  }

  /**
   * From now on the application decides where to write from {@code cutover.flags.write_target}, re-read
   * every 100 ms, as a real application would.
   */
  public LiveWriter followFlags() {
    Thread poller = new Thread(() -> {
      while (!stop.get() && System.currentTimeMillis() < deadline) {
        try {
          writeNew.set(db.count("SELECT coalesce(max(value), 0) FROM cutover.flags WHERE name = 'write_target'") == 1);
          Thread.sleep(100);
        } catch (RuntimeException e) {
          // the flags table may not exist yet
          sleepQuietly();
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "live-writer-flags");
    poller.setDaemon(true);
    poller.start();
    return this;
  }

  public boolean writesNewTable() {
    return writeNew.get();
  }

  /** Stops writing (the connections stay open) until {@link #resume}. */
  public void pause() throws InterruptedException {
    paused.set(true);
    Thread.sleep(200);
  }

  public void resume() {
    paused.set(false);
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long total() {
    return ops.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public Map<String, Long> counts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    ops.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public List<Throwable> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  /** Waits until at least {@code n} more operations were done. */
  public void awaitOps(long n) throws InterruptedException {
    long goal = total() + n;
    while (total() < goal && System.currentTimeMillis() < deadline && !stop.get()) {
      Thread.sleep(10);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  private void loop() {
    try (Connection c = db.connect()) {
      while (!stop.get() && System.currentTimeMillis() < deadline) {
        if (paused.get()) {
          sleepQuietly();
          continue;
        }
        String op = writeNew.get() ? writeTarget(c) : writeLegacy(c);
        if (op != null) {
          ops.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
        }
      }
    } catch (Throwable t) {
      synchronized (errors) {
        errors.add(t);
      }
    }
  }

  private String writeLegacy(Connection c) throws SQLException {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long id = 1 + r.nextLong(Math.max(1, Customers.maxId(c)));
    int dice = r.nextInt(100);
    try {
      if (dice < 30) {
        update(c, "INSERT INTO public.customers (full_name, email, balance) VALUES (?, ?, ?)",
            name(r), r.nextInt(4) == 0 ? null : "n" + r.nextInt() + "@example.com", money(r));
        return "insert";
      } else if (dice < 70) {
        update(c, "UPDATE public.customers SET full_name = ?, balance = ?, email = ?, updated_at = clock_timestamp()"
            + " WHERE id = ?", name(r), money(r), r.nextInt(5) == 0 ? null : "u" + r.nextInt() + "@example.com", id);
        return "update";
      } else if (dice < 80) {
        update(c, "UPDATE public.customers SET id = nextval('public.customer_ids') WHERE id = ?", id);
        return "key-change";
      } else if (dice < 95) {
        update(c, "DELETE FROM public.customers WHERE id = ?", id);
        return "delete";
      } else {
        update(c, "UPDATE public.customers SET full_name = ? WHERE id = ?", "Big " + "x".repeat(4000 + r.nextInt(4000)), id);
        return "toast";
      }
    } catch (SQLException e) {
      return retryable(e);
    }
  }

  private String writeTarget(Connection c) throws SQLException {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long id = 1 + r.nextLong(Math.max(1, Customers.maxId(c)));
    int dice = r.nextInt(100);
    try {
      if (dice < 30) {
        update(c, "INSERT INTO public.customers_v2 (id, first_name, last_name, email, balance_cents, updated_at)"
            + " VALUES (nextval('public.customer_ids'), ?, ?, ?, ?, clock_timestamp())",
            "New" + r.nextInt(1000), r.nextBoolean() ? null : "Name " + r.nextInt(1000), null, (long) r.nextInt(1_000_000));
        return "insert-new";
      } else if (dice < 75) {
        update(c, "UPDATE public.customers_v2 SET last_name = ?, balance_cents = ?, updated_at = clock_timestamp()"
            + " WHERE id = ?", r.nextBoolean() ? null : "Upd" + r.nextInt(1000), (long) r.nextInt(1_000_000), id);
        return "update-new";
      } else if (dice < 85) {
        update(c, "UPDATE public.customers_v2 SET id = nextval('public.customer_ids') WHERE id = ?", id);
        return "key-change-new";
      } else {
        update(c, "DELETE FROM public.customers_v2 WHERE id = ?", id);
        return "delete-new";
      }
    } catch (SQLException e) {
      return retryable(e);
    }
  }

  /** Deadlocks between application writers are the application's to retry; anything else is a test failure. */
  private static String retryable(SQLException e) throws SQLException {
    if ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState())) {
      return "retried";
    }
    throw e;
  }

  private static String name(ThreadLocalRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> "Solo" + r.nextInt(1000);
      case 1 -> "Ann" + r.nextInt(1000) + " de la Cruz";
      default -> "First" + r.nextInt(1000) + " Last" + r.nextInt(1000);
    };
  }

  private static java.math.BigDecimal money(ThreadLocalRandom r) {
    return java.math.BigDecimal.valueOf(r.nextLong(10_000_000), 2);
  }

  private static void update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }
}
