package dev.nerve.automation.engine;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.automation.support.Principal;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Executions as callers use them: start one (through the intake gate, optionally waiting for its
 * end), cancel, retry, read, and watch its events live.
 */
public final class Runs {

  /** Longest wait a caller may ask Execute for. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(5);

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final int MAX_BUFFERED = 10_000;

  private final Engine engine;
  private final StartBatches starts;
  private final Executions executions;
  private final RunEvents events;
  private final IntakeGate gate;

  Runs(Engine engine, StartBatches starts, Executions executions, RunEvents events, IntakeGate gate) {
    this.engine = engine;
    this.starts = starts;
    this.executions = executions;
    this.events = events;
    this.gate = gate;
  }

  public Executions executions() {
    return executions;
  }

  /**
   * spec: automation.workflows.execute(workflowId). Starts (or finds, by key) an execution and
   * waits up to {@code wait} for it to end; a zero wait returns at once.
   */
  public ExecutionResult execute(Principal caller, String workflowId, Long version, Struct input, String key, Duration wait) {
    gate.admit();
    if (wait.isZero()) {
      return Executions.summary(starts.start(new Engine.Start(caller, workflowId, version, input, "manual", key)));
    }
    CountDownLatch done = new CountDownLatch(1);
    UUID[] started = new UUID[1];
    Consumer<ExecutionEvent> listener =
        e -> {
          if (e.getType() == ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION && Executions.terminal(e.getStatus())) {
            done.countDown();
          }
        };
    // Listen on a provisional id first is impossible (the id is made in the transaction), so the
    // wait polls PostgreSQL as a fallback for an end that happened before the listener attached.
    UUID id = starts.start(new Engine.Start(caller, workflowId, version, input, "manual", key)).id();
    started[0] = id;
    AutoCloseable handle = events.listen(id, listener);
    try {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        ExecutionResult now = executions.get(caller.tenantId(), id);
        if (Executions.terminal(now.getStatus())) {
          return now;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return now;
        }
        done.await(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return executions.get(caller.tenantId(), started[0]);
    } finally {
      close(handle);
    }
  }

  private static void close(AutoCloseable handle) {
    try {
      handle.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public ExecutionResult cancel(Principal caller, UUID id, String reason) {
    engine.stop(caller.tenantId(), id, ExecutionStatus.EXECUTION_STATUS_CANCELLED,
        reason.isEmpty() ? "cancelled by " + caller.userId() : reason);
    return executions.get(caller.tenantId(), id);
  }

  public ExecutionResult retry(Principal caller, UUID id) {
    engine.retry(caller.tenantId(), id);
    return executions.get(caller.tenantId(), id);
  }

  /**
   * Streams an execution: a SNAPSHOT, then its changes in order, until it ends or {@code open}
   * turns false. Blocks the calling thread.
   */
  public void watch(Principal caller, UUID id, Consumer<ExecutionEvent> sink, Supplier<Boolean> open) {
    BlockingQueue<ExecutionEvent> queue = new LinkedBlockingQueue<>(MAX_BUFFERED);
    AutoCloseable handle =
        events.listen(
            id,
            e -> {
              if (!queue.offer(e)) {
                queue.clear();
              }
            });
    try {
      ExecutionResult snapshot = executions.get(caller.tenantId(), id);
      sink.accept(
          ExecutionEvent.newBuilder()
              .setExecutionId(id.toString())
              .setSeq(snapshot.getSeq())
              .setType(ExecutionEventType.EXECUTION_EVENT_TYPE_SNAPSHOT)
              .setStatus(snapshot.getStatus())
              .setSnapshot(snapshot)
              .build());
      if (Executions.terminal(snapshot.getStatus())) {
        return;
      }
      long seen = snapshot.getSeq();
      while (open.get()) {
        ExecutionEvent event = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
          ExecutionResult now = executions.get(caller.tenantId(), id);
          if (Executions.terminal(now.getStatus())) {
            sink.accept(
                ExecutionEvent.newBuilder().setExecutionId(id.toString()).setSeq(now.getSeq())
                    .setType(ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION).setStatus(now.getStatus())
                    .setError(now.getError()).build());
            return;
          }
          continue;
        }
        if (event.getSeq() < seen) {
          continue;
        }
        seen = Math.max(seen, event.getSeq());
        sink.accept(event);
        if (event.getType() == ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION && Executions.terminal(event.getStatus())) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NerveException(ErrorCode.UNAVAILABLE, "interrupted");
    } finally {
      close(handle);
    }
  }
}
