package dev.cutover.testing;

import dev.cutover.sql.Connections;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import javax.sql.DataSource;

/** Runs real activity implementations in Temporal's activity test environment (heartbeats, details, context). */
public final class Activities {
  private Activities() {}

  public static Connections connections(TestDatabase db) {
    DataSource ds = db.dataSource();
    return name -> {
      if (!name.equals("primary")) {
        throw new Connections.UnknownConnectionException(name);
      }
      return ds;
    };
  }

  /** A stub that calls {@code impl} once (no retries), so a failure reaches the test as it happened. */
  public static <T> T stub(TestActivityEnvironment env, Class<T> type, Object impl) {
    env.registerActivitiesImplementations(impl);
    return env.newActivityStub(type, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }
}
