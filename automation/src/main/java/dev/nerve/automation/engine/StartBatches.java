package dev.nerve.automation.engine;

import dev.nerve.platform.error.StoreErrors;
import dev.nerve.platform.grpc.CallDeadline;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Group commit for starting executions: Execute calls that arrive while earlier starts are being
 * written share one transaction (one commit, one activity insert, one live-event message) instead
 * of one each. The caller whose start finds a free batch slot writes the waiting starts itself,
 * each in its own call context, and every caller is answered only once the batch has committed.
 * When any start of a batch fails, or a caller's deadline passes before the commit, the batch
 * rolls back as a whole and each of its starts runs again alone, so one bad request never fails
 * or half-writes another's; when the store itself fails, every start of the batch is answered
 * with that failure at once (docs/architecture.md, Engine).
 */
final class StartBatches {

  private static final Logger log = LoggerFactory.getLogger(StartBatches.class);

  private final Engine engine;
  private final int maxBatch;
  private final Semaphore writers;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

  /**
   * @param engine starts the executions
   * @param maxBatch starts written in one transaction at most
   * @param parallel batches written at once (each holds a connection)
   */
  StartBatches(Engine engine, int maxBatch, int parallel) {
    if (maxBatch < 1 || parallel < 1) {
      throw new IllegalArgumentException("start batches need a size and a parallelism of at least 1");
    }
    this.engine = engine;
    this.maxBatch = maxBatch;
    this.writers = new Semaphore(parallel);
  }

  /**
   * Starts an execution like {@link Engine#startRun}, sharing the transaction with starts made at
   * the same time; inside a caller's transaction it joins that transaction instead.
   */
  RunRow start(Engine.Start start) {
    if (maxBatch == 1 || TransactionSynchronizationManager.isActualTransactionActive()) {
      return engine.startRun(start);
    }
    Pending mine = new Pending(start, Context.current(), Thread.currentThread());
    queue.add(mine);
    boolean interrupted = false;
    while (!mine.done) {
      if (writers.tryAcquire()) {
        List<Pending> batch = List.of();
        try {
          batch = take();
          write(batch);
        } catch (Throwable e) {
          batch.forEach(p -> p.fail(e));
        } finally {
          writers.release();
        }
        // A start queued while this batch was written may be waiting for a free slot.
        Pending next = queue.peek();
        if (next != null) {
          LockSupport.unpark(next.thread);
        }
        if (!batch.isEmpty()) {
          continue;
        }
        // Nothing was queued: this start is in a batch another caller is writing.
      }
      LockSupport.park(this);
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return mine.result();
  }

  /** Starts queued for a batch slot (for tests). */
  int waiting() {
    return queue.size();
  }

  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>();
    for (Pending p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
      batch.add(p);
    }
    return batch;
  }

  /**
   * Writes a batch in one transaction; on any failure, each start of it alone. A caller whose
   * deadline passed while it was queued is answered at once, with nothing written.
   */
  private void write(List<Pending> taken) {
    List<Pending> batch = new ArrayList<>(taken.size());
    for (Pending p : taken) {
      if (CallDeadline.expired(p.context)) {
        p.fail(CallDeadline.passed());
      } else {
        batch.add(p);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    List<RunRow> started;
    try {
      started = together(batch);
    } catch (RuntimeException e) {
      if (StoreErrors.classify(e).isPresent()) {
        // The store failed, not a start: each start alone would wait for it again, and after a
        // commit whose outcome is unknown a second try could start an execution twice.
        batch.forEach(p -> p.fail(e));
        return;
      }
      log.debug("a batch of {} start(s) rolled back ({}); starting each alone", batch.size(), e.toString());
      for (Pending p : batch) {
        alone(p);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).succeed(started.get(i));
    }
  }

  /**
   * All starts of the batch in one transaction, each in its caller's context; throws (rolling back
   * all of them) when one fails or a caller may no longer be answered with success.
   */
  private List<RunRow> together(List<Pending> batch) {
    // The transaction belongs to no single call: only the callers' own deadlines count.
    Context outer = Context.ROOT.attach();
    try {
      return engine.inTransaction(
          () -> engine.runs().holdingInserts(() -> {
            Map<String, Long> versions = new HashMap<>();
            List<RunRow> started = new ArrayList<>(batch.size());
            for (Pending p : batch) {
              Context previous = p.context.attach();
              try {
                started.add(engine.startInTransaction(p.start, null, null, versions));
              } finally {
                p.context.detach(previous);
              }
            }
            for (Pending p : batch) {
              if (CallDeadline.expired(p.context)) {
                throw new IllegalStateException("a caller's deadline passed before the batch could commit");
              }
            }
            return started;
          }));
    } finally {
      Context.ROOT.detach(outer);
    }
  }

  /** One start in its own transaction, in its caller's context (its deadline checked at commit). */
  private void alone(Pending p) {
    Context previous = p.context.attach();
    try {
      p.succeed(engine.startRun(p.start));
    } catch (RuntimeException | Error e) {
      p.fail(e);
    } finally {
      p.context.detach(previous);
    }
  }

  /** A start waiting for its batch, and its outcome once written. */
  private static final class Pending {
    final Engine.Start start;
    final Context context;
    final Thread thread;
    private RunRow run;
    private Throwable failure;
    volatile boolean done;

    Pending(Engine.Start start, Context context, Thread thread) {
      this.start = start;
      this.context = context;
      this.thread = thread;
    }

    void succeed(RunRow started) {
      complete(started, null);
    }

    void fail(Throwable e) {
      complete(null, e);
    }

    /** Records the outcome once and wakes the caller. */
    private void complete(RunRow started, Throwable e) {
      if (done) {
        return;
      }
      run = started;
      failure = e;
      done = true;
      LockSupport.unpark(thread);
    }

    RunRow result() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
      return run;
    }
  }
}
