package dev.cutover.failure;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Activity options shared by the phase workflows; one place decides timeouts and retries. */
public final class PhaseOptions {
  private static final RetryOptions RETRY = RetryOptions.newBuilder()
      .setInitialInterval(Duration.ofSeconds(1))
      .setBackoffCoefficient(2)
      .setMaximumInterval(Duration.ofSeconds(30))
      .setDoNotRetry(Failures.NON_RETRYABLE.toArray(String[]::new))
      .build();

  /**
   * How long a silent chunk loop is trusted: a worker killed mid-chunk is noticed this fast and its
   * cursor handed to another. Chunks take ~50 ms, so a live loop heartbeats far more often than this.
   */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private PhaseOptions() {}

  /**
   * A short SQL step: DDL under lock_timeout, a flag flip, a catalog read. A cancelled step is waited
   * for, so its compensation never runs before it (a trigger installed after its drop would stay).
   */
  public static ActivityOptions shortSql() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(RETRY)
        .build();
  }

  /**
   * A long loop over chunks: heartbeats its cursor, so a short heartbeat timeout notices a dead worker
   * fast and the retry resumes from the last cursor. Cancellation waits for the activity to stop, so a
   * compensation never runs beside a chunk still copying.
   */
  public static ActivityOptions longSql(Duration startToClose) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(RETRY)
        .build();
  }
}
