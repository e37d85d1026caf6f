package dev.nerve.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Back-pressure on intake and the per-workflow and per-kind concurrency bounds of a replica. */
class BoundsTest {

  @Test
  void aFullQueueSlowsIntakeAndRefusesOnlyWhenItDoesNotDrain() throws Exception {
    AtomicLong queue = new AtomicLong(10);
    IntakeGate gate = new IntakeGate(queue::get, 5, Duration.ofMillis(400));
    long start = System.nanoTime();
    assertThatThrownBy(gate::admit)
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

    IntakeGate draining = new IntakeGate(queue::get, 5, Duration.ofSeconds(10));
    Thread drain = new Thread(() -> {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      queue.set(0);
    });
    drain.start();
    long waited = System.nanoTime();
    draining.admit();
    assertThat(Duration.ofNanos(System.nanoTime() - waited)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    drain.join();
  }

  @Test
  void concurrencyBoundsPerWorkflowAndPerKindHoldAndRelease() {
    ConcurrencyLimits limits = new ConcurrencyLimits(16, 2, 3);
    Runnable a = limits.tryAcquire("t/wf1", "http.request");
    Runnable b = limits.tryAcquire("t/wf1", "http.request");
    assertThat(limits.tryAcquire("t/wf1", "log")).as("third step of wf1").isNull();
    Runnable c = limits.tryAcquire("t/wf2", "http.request");
    assertThat(limits.tryAcquire("t/wf3", "http.request")).as("fourth http.request").isNull();
    assertThat(limits.tryAcquire("t/wf3", "log")).isNotNull();
    a.run();
    assertThat(limits.tryAcquire("t/wf3", "http.request")).isNotNull();
    b.run();
    c.run();
    ConcurrencyLimits unbounded = new ConcurrencyLimits(16, 0, 0);
    for (int i = 0; i < 100; i++) {
      assertThat(unbounded.tryAcquire("t/wf", "log")).isNotNull();
    }
  }

  @Test
  void theReplicasSlotsAreSharedAndGivenBack() {
    ConcurrencyLimits limits = new ConcurrencyLimits(2, 0, 0);
    assertThat(limits.enterReplica(Duration.ZERO)).isTrue();
    assertThat(limits.enterReplica(Duration.ZERO)).isTrue();
    assertThat(limits.enterReplica(Duration.ofMillis(50))).as("a third execution held at once").isFalse();
    limits.leaveReplica();
    assertThat(limits.enterReplica(Duration.ZERO)).isTrue();
  }
}
