package dev.nerve.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** Callers repeating one gRPC call through a store outage, recording every outcome and its timing. */
final class CallLoad {

  /**
   * One call's outcome and timing.
   *
   * @param code status code (OK for success)
   * @param startedNanos when it started
   * @param millis how long it took
   */
  record Outcome(Status.Code code, long startedNanos, long millis) {
    long finishedNanos() {
      return startedNanos + millis * 1_000_000;
    }
  }

  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService pool;

  /** Starts {@code callers} threads repeating {@code call}, which returns the id of what it wrote. */
  CallLoad(int callers, Supplier<String> call) {
    pool = Executors.newFixedThreadPool(callers);
    for (int i = 0; i < callers; i++) {
      pool.submit(() -> {
        while (running.get()) {
          long started = System.nanoTime();
          Status.Code code = Status.Code.OK;
          try {
            results.add(call.get());
          } catch (StatusRuntimeException e) {
            code = e.getStatus().getCode();
          }
          outcomes.add(new Outcome(code, started, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
          if (code != Status.Code.OK) {
            pause(20);
          }
        }
      });
    }
  }

  void awaitSuccesses(int count) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> results.size() >= count);
  }

  /** The first call that ended with {@code code} after {@code since}. */
  Outcome awaitFirst(Status.Code code, long since, Duration timeout) {
    Awaitility.await()
        .atMost(timeout)
        .until(() -> outcomes.stream().anyMatch(o -> o.code() == code && o.finishedNanos() > since));
    return outcomes.stream()
        .filter(o -> o.code() == code && o.finishedNanos() > since)
        .min(Comparator.comparingLong(Outcome::finishedNanos))
        .orElseThrow();
  }

  /** The longest call that started between the two instants, in ms. */
  long slowestBetween(long from, long to) {
    return outcomes.stream()
        .filter(o -> o.startedNanos() >= from && o.startedNanos() <= to)
        .mapToLong(Outcome::millis)
        .max()
        .orElse(0);
  }

  Set<Status.Code> codes() {
    Set<Status.Code> codes = EnumSet.noneOf(Status.Code.class);
    outcomes.forEach(o -> codes.add(o.code()));
    return codes;
  }

  /** What the acknowledged calls returned. */
  List<String> results() {
    return List.copyOf(results);
  }

  void stop() throws InterruptedException {
    running.set(false);
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.SECONDS);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
