package dev.nerve.platform.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bounded queue: admits up to its concurrency, queues up to its bound, refuses beyond at once. */
class GateTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void beyondConcurrencyAndQueueCallersAreRefusedAtOnce() throws Exception {
    Gate gate = new Gate("test", 1, 1, Duration.ofSeconds(10), meters);
    CountDownLatch release = new CountDownLatch(1);
    Future<?> working = pool.submit(() -> gate.run(() -> await(release)));
    waitUntil(() -> gate.inFlight() == 1);
    Future<?> queued = pool.submit(() -> gate.run(() -> "queued"));
    waitUntil(() -> gate.depth() == 1);

    long started = System.nanoTime();
    assertThatThrownBy(() -> gate.run(() -> "third"))
        .isInstanceOfSatisfying(
            NerveException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED);
              assertThat(e.retryAfter()).contains(Gate.RETRY_AFTER);
            });
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("refused at once").isLessThan(100);
    assertThat(meters.get("nerve.queue.depth").tag("queue", "test").gauge().value()).isEqualTo(1);
    assertThat(meters.get("nerve.queue.rejected").tag("queue", "test").counter().count()).isEqualTo(1);

    release.countDown();
    working.get(5, TimeUnit.SECONDS);
    assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("queued");
    assertThat(gate.inFlight()).isZero();
    assertThat(gate.depth()).isZero();
  }

  @Test
  void aQueuedCallerWhoseDeadlinePassesLeavesWithDeadlineExceeded() throws Exception {
    Gate gate = new Gate("deadline", 1, 5, Duration.ofSeconds(10), meters);
    CountDownLatch release = new CountDownLatch(1);
    pool.submit(() -> gate.run(() -> await(release)));
    waitUntil(() -> gate.inFlight() == 1);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try {
      Context call = Context.current().withDeadline(Deadline.after(200, TimeUnit.MILLISECONDS), timer);
      assertThatThrownBy(() -> call.run(() -> gate.run(() -> "late")))
          .isInstanceOfSatisfying(
              NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
    } finally {
      release.countDown();
      timer.shutdownNow();
    }
    assertThat(gate.depth()).isZero();
  }

  private static Object await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "done";
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached");
      }
      Thread.sleep(10);
    }
  }
}
