package dev.nerve.platform.admission;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.CallDeadline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A bounded queue in front of expensive work: at most {@code concurrency} callers work at once, at
 * most {@code queue} more wait their turn, and anyone beyond that is refused at once with
 * OVERLOADED (gRPC RESOURCE_EXHAUSTED with a retry delay), so overload turns into fast refusals
 * instead of latency that ends in deadline errors. A waiting caller whose deadline passes leaves
 * with DEADLINE_EXCEEDED, having done nothing.
 *
 * <p>Metrics, tagged {@code queue=<name>}: {@code nerve.queue.depth} (callers waiting), {@code
 * nerve.queue.in_flight} (callers working) and {@code nerve.queue.rejected} (refused).
 */
public final class Gate {

  /** Suggested delay before a refused caller retries. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final String name;
  private final int queue;
  private final Duration maxWait;
  private final Semaphore slots;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicInteger working = new AtomicInteger();
  private final Counter rejected;

  /**
   * @param name queue name in metrics and messages, e.g. {@code memory.write}
   * @param concurrency callers working at once
   * @param queue callers allowed to wait beyond those
   * @param maxWait longest wait in the queue for a caller without a deadline
   */
  public Gate(String name, int concurrency, int queue, Duration maxWait, MeterRegistry meters) {
    if (concurrency < 1 || queue < 0) {
      throw new IllegalArgumentException(name + ": concurrency must be at least 1 and queue at least 0");
    }
    this.name = name;
    this.queue = queue;
    this.maxWait = maxWait;
    this.slots = new Semaphore(concurrency, true);
    Gauge.builder("nerve.queue.depth", waiting, AtomicInteger::get)
        .tag("queue", name)
        .description("Callers waiting in a bounded queue")
        .register(meters);
    Gauge.builder("nerve.queue.in_flight", working, AtomicInteger::get)
        .tag("queue", name)
        .description("Callers working past a bounded queue")
        .register(meters);
    this.rejected =
        Counter.builder("nerve.queue.rejected")
            .tag("queue", name)
            .description("Callers refused because a bounded queue was full")
            .register(meters);
  }

  /** Runs {@code work} once admitted. */
  public <T> T run(Supplier<T> work) {
    Permit permit = enter();
    try {
      return work.get();
    } finally {
      permit.close();
    }
  }

  /** Waits for a slot; the returned permit gives it back when closed. */
  public Permit enter() {
    if (CallDeadline.expired()) {
      throw expired();
    }
    if (!slots.tryAcquire()) {
      if (waiting.incrementAndGet() > queue) {
        waiting.decrementAndGet();
        rejected.increment();
        throw NerveException.overloaded(
            "the service is at capacity (" + name + " queue full); retry later", RETRY_AFTER);
      }
      try {
        Duration wait = CallDeadline.remaining().map(left -> left.compareTo(maxWait) < 0 ? left : maxWait).orElse(maxWait);
        if (!slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
          if (CallDeadline.expired()) {
            throw expired();
          }
          rejected.increment();
          throw NerveException.overloaded(
              "the service is at capacity (" + name + " queue too slow); retry later", RETRY_AFTER);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw expired();
      } finally {
        waiting.decrementAndGet();
      }
    }
    working.incrementAndGet();
    return new Permit(this);
  }

  private static NerveException expired() {
    return new NerveException(
        ErrorCode.DEADLINE_EXCEEDED, "the deadline passed while the call waited for capacity; nothing was done");
  }

  /** Callers waiting now. */
  public int depth() {
    return waiting.get();
  }

  /** Callers working now. */
  public int inFlight() {
    return working.get();
  }

  public String name() {
    return name;
  }

  /** A slot in the gate; closing it lets the next caller in. */
  public static final class Permit implements AutoCloseable {

    private final Gate gate;
    private boolean closed;

    private Permit(Gate gate) {
      this.gate = gate;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        gate.working.decrementAndGet();
        gate.slots.release();
      }
    }
  }
}
