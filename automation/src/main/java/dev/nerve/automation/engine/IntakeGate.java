package dev.nerve.automation.engine;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Back-pressure for new executions: while more step attempts are due than workers take (the
 * cluster-wide queue above {@code maxQueued}), Execute waits for the queue to drain, and answers
 * RESOURCE_EXHAUSTED (having started nothing) only when it does not drain within {@code wait}.
 * The queue length is read at most every 200 ms.
 */
final class IntakeGate {

  private static final long REFRESH_NANOS = 200_000_000L;

  private final java.util.function.LongSupplier queueLength;
  private final long maxQueued;
  private final Duration wait;
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong readAt = new AtomicLong(System.nanoTime() - 2 * REFRESH_NANOS);

  /**
   * @param queueLength reads the cluster-wide number of due, unpicked steps
   */
  IntakeGate(java.util.function.LongSupplier queueLength, long maxQueued, Duration wait) {
    this.queueLength = queueLength;
    this.maxQueued = maxQueued;
    this.wait = wait;
  }

  /** Returns when there is room; throws RESOURCE_EXHAUSTED when none frees up in time. */
  void admit() {
    long deadline = System.nanoTime() + wait.toNanos();
    while (queued() > maxQueued) {
      if (System.nanoTime() > deadline) {
        throw new NerveException(
            ErrorCode.RESOURCE_EXHAUSTED,
            "the automation engine's queue is full (" + queued.get() + " steps waiting); nothing was started, retry later");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NerveException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the engine's queue");
      }
    }
  }

  private long queued() {
    long now = System.nanoTime();
    long last = readAt.get();
    if (now - last > REFRESH_NANOS && readAt.compareAndSet(last, now)) {
      queued.set(queueLength.getAsLong());
    }
    return queued.get();
  }
}
