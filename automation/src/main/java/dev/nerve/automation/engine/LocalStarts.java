package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Starts the first action step of an execution started on this replica in the transaction that
 * starts it, held by this replica's worker (no claim, no start transaction of its own), and runs
 * it after the commit on this replica's own threads like a kept step of a chain. db-scheduler still
 * claims everything queued and revives what a dead replica held (docs/architecture.md, Engine).
 */
final class LocalStarts {

  private static final Logger log = LoggerFactory.getLogger(LocalStarts.class);

  private final StepWorker worker;
  private final RunRepository runs;
  private final Dispatch dispatch;
  private final Scheduler scheduler;
  private final LocalLeases leases;
  private final String name;
  private final ConcurrencyLimits limits;
  /** Steps reserved or running here outside db-scheduler's pool. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ThreadPoolExecutor pool;
  private volatile boolean accepting = true;

  LocalStarts(StepWorker worker, ConcurrencyLimits limits, RunRepository runs, Dispatch dispatch, Scheduler scheduler,
      LocalLeases leases, String name) {
    this.worker = worker;
    this.limits = limits;
    this.runs = runs;
    this.dispatch = dispatch;
    this.scheduler = scheduler;
    this.leases = leases;
    this.name = name;
    int threads = limits.replicaSlots();
    this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(threads),
        DaemonThreads.numbered("automation-local-"));
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Offers to start the first due action step of an execution being started in the current
   * transaction: sets the context's keeper when this replica takes local starts now, and returns
   * the offer to {@link Offer#begin} after the interpreter advanced (null when it does not).
   */
  Offer offer(Interpreter.Ctx ctx) {
    if (!accepting || !TransactionSynchronizationManager.isSynchronizationActive()) {
      return null;
    }
    var state = scheduler.getSchedulerState();
    if (!state.isStarted() || state.isShuttingDown()) {
      return null;
    }
    Offer offer = new Offer(ctx);
    ctx.keeper = offer::reserve;
    return offer;
  }

  /**
   * Takes one of this replica's slots (shared with the steps db-scheduler hands it) if one is free
   * and no handed-over execution waits for it: the slots are fair, so work claimed from the queue
   * goes first and a stream of new executions does not overtake it.
   */
  private boolean takePlace() {
    if (!accepting || !limits.enterReplica(Duration.ZERO)) {
      return false;
    }
    inFlight.incrementAndGet();
    return true;
  }

  /** Gives back a slot taken with {@link #takePlace}. */
  private void leavePlace() {
    inFlight.decrementAndGet();
    limits.leaveReplica();
  }

  /** Steps started here that are reserved or running (for tests and shutdown). */
  int inFlight() {
    return inFlight.get();
  }

  /** The start of one execution's first step here: reserved in its transaction, run after its commit. */
  final class Offer implements TransactionSynchronization {

    private final Interpreter.Ctx ctx;
    /** Frees the step's concurrency slots; set when reserved. */
    private Runnable release;
    /** What runs after the commit, with the execution's context; set when the attempt began. */
    private java.util.function.Consumer<ExecutionContext> task;
    /** The execution's row: its instance and when it was written (its first heartbeat). */
    private String instance;
    private Instant writtenAt;

    private Offer(Interpreter.Ctx ctx) {
      this.ctx = ctx;
    }

    /** The interpreter's keeper: reserves a place and the step's concurrency slots, before commit. */
    private boolean reserve(Plan.StepPlan sp) {
      if (release != null || !takePlace()) {
        return false;
      }
      Runnable slots = limits.tryAcquire(ctx.plan, sp);
      if (slots == null) {
        leavePlace();
        return false;
      }
      release = slots;
      TransactionSynchronizationManager.registerSynchronization(this);
      return true;
    }

    /**
     * After the interpreter advanced: when it kept a step, starts its attempt and inserts its
     * execution picked by this worker, in the current transaction.
     */
    void begin() {
      String key = ctx.kept;
      if (key == null) {
        return;
      }
      RunRow run = ctx.run;
      UUID runId = run.id();
      Instant now = Times.now();
      RunRepository.Started started = runs.beginAttempt(runId, key, name, now).orElse(null);
      if (started == null) {
        // The same advance already ended the execution (or the step): nothing to run.
        return;
      }
      instance = Dispatch.attemptId(runId, key, started.attempt());
      dispatch.attemptHeld(run, instance, name, now);
      worker.publishRunning(runId, key, started);
      Plan plan = ctx.plan;
      String planKey = run.planKey();
      Runnable slots = release;
      writtenAt = now;
      task = context -> {
        try {
          worker.runStarted(runId, key, planKey, plan, started, slots, context);
        } catch (RuntimeException e) {
          log.warn("step {} of execution {} failed on this replica; it runs again", key, runId, e);
          putBack(instance);
        } finally {
          leases.drop(instance);
          leavePlace();
        }
      };
    }

    @Override
    public void afterCompletion(int status) {
      if (status != STATUS_COMMITTED || task == null) {
        free();
        return;
      }
      // Heartbeats start before the step is handed over, so a queued hand-over keeps its lease.
      ExecutionContext context = leases.hold(scheduler.getSchedulerState(), scheduler, instance, ctx.run.planKey(), writtenAt);
      try {
        pool.execute(() -> task.accept(context));
      } catch (RejectedExecutionException e) {
        // The row stays picked by this worker without heartbeats: revived after its lease.
        leases.drop(instance);
        log.warn("step execution {} started here could not run here (shutting down); it is revived after its lease",
            instance);
        free();
      }
    }

    private void free() {
      release.run();
      leavePlace();
    }
  }

  /** Like db-scheduler's failure handler of the step task: puts the execution back for a second. */
  private void putBack(String instance) {
    try {
      dispatch.putBack(instance, 1L, name, Instant.now().plusSeconds(1));
    } catch (RuntimeException e) {
      log.warn("could not put back step execution {}; it is revived after its lease: {}", instance, e.toString());
    }
  }

  /** Shutdown begins: no more local starts (executions started from now on are queued). */
  void stopAccepting() {
    accepting = false;
  }

  /**
   * Waits until {@code deadline} for the local steps to finish (their chains no longer continue
   * here), then interrupts what is left and stops heartbeating it: revived after its lease.
   */
  void finish(Instant deadline) {
    accepting = false;
    pool.shutdown();
    try {
      Duration left = Duration.between(Instant.now(), deadline);
      if (!pool.awaitTermination(Math.max(100, left.toMillis()), TimeUnit.MILLISECONDS)) {
        log.warn("{} locally started step(s) still running at shutdown; interrupting them", inFlight.get());
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    } finally {
      leases.close();
    }
  }
}
