package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.Plans;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one db-scheduler execution of the step task: a step attempt, a wait step's wake-up or a
 * waitForEvent timeout. An attempt is two transactions around the action: the first records it as
 * started (with its rendered input), the second records its end, but only if this worker still
 * holds the execution: it deletes db-scheduler's row by the version it picked, so a worker whose
 * lease another replica took over records nothing. When that end makes the next step of the
 * execution due, the worker keeps holding the execution for it and starts it in the same
 * transaction, then runs it (docs/architecture.md, Engine); it runs the first step of an execution
 * started on this replica the same way ({@link LocalStarts}). While the action runs, a watchdog interrupts it
 * if this replica's heartbeats go stale (before another replica may take the step over), and an
 * execution that is cancelled interrupts its running attempts.
 */
final class StepWorker {

  private static final Logger log = LoggerFactory.getLogger(StepWorker.class);

  private final Engine engine;
  private final Interpreter interpreter;
  private final RunRepository runs;
  private final Plans plans;
  private final AttemptInputs inputs;
  private final ActionRunner runner;
  private final Dispatch dispatch;
  private final ConcurrencyLimits limits;
  private final RunEvents events;
  private final String worker;
  /** The heartbeat interval: how long a handed-over execution waits for one of the replica's slots. */
  private final Duration heartbeat;
  private final Map<Future<?>, Running> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          DaemonThreads.named("automation-watchdog"));

  private record Running(UUID runId, ExecutionContext context) {}

  private volatile boolean keeping = true;

  StepWorker(
      Engine engine,
      Interpreter interpreter,
      RunRepository runs,
      Plans plans,
      AttemptInputs inputs,
      Dispatch dispatch,
      ConcurrencyLimits limits,
      RunEvents events,
      String worker,
      Duration heartbeat) {
    this.engine = engine;
    this.interpreter = interpreter;
    this.runs = runs;
    this.plans = plans;
    this.inputs = inputs;
    this.runner = inputs.runner();
    this.dispatch = dispatch;
    this.limits = limits;
    this.events = events;
    this.worker = worker;
    events.onExecutionEnded(this::interruptAttemptsOf);
    this.heartbeat = heartbeat;
    long period = Math.max(100, heartbeat.toMillis() / 4);
    watchdog.scheduleAtFixedRate(this::checkLeases, period, period, TimeUnit.MILLISECONDS);
  }

  void close() {
    watchdog.shutdownNow();
  }

  /** From now on every next step goes to the queue (shutdown): no worker keeps one. */
  void stopKeeping() {
    keeping = false;
  }

  /** Interrupts the local attempts of an execution that stopped. */
  private void interruptAttemptsOf(UUID runId) {
    running.forEach(
        (future, r) -> {
          if (r.runId().equals(runId)) {
            future.cancel(true);
          }
        });
  }

  /** Interrupts attempts whose lease is about to lapse (heartbeats failing). */
  private void checkLeases() {
    running.forEach(
        (future, r) -> {
          var executing = r.context().getCurrentlyExecuting();
          if (executing != null && executing.getHeartbeatState().getFractionDead() > 0.7) {
            log.warn("interrupting a step of execution {}: this replica's heartbeats are failing", r.runId());
            future.cancel(true);
          }
        });
  }

  CompletionHandler<String> execute(TaskInstance<String> instance, ExecutionContext context) {
    String id = instance.getId();
    int first = id.indexOf('/');
    int last = id.lastIndexOf('/');
    UUID runId = UUID.fromString(id.substring(0, first));
    String key = id.substring(first + 1, last);
    String suffix = id.substring(last + 1);
    switch (suffix) {
      case "wake" -> {
        engine.wake(runId, key);
        return (complete, ops) -> ops.remove();
      }
      case "timeout" -> {
        engine.eventTimeout(runId, key);
        return (complete, ops) -> ops.remove();
      }
      default -> {
        // An execution a worker kept for a later step of the run (and lost, or it would not run again).
        return Dispatch.HeldStep.in(instance.getData())
            .map(held -> attempt(runId, held.stepKey(), held.planKey(), context))
            .orElseGet(() -> attempt(runId, key, instance.getData(), context));
      }
    }
  }

  /** The plan of a step execution, from the key it carries (or the run, for executions without one). */
  private Plan plan(UUID runId, String planKey) {
    if (planKey != null) {
      String[] parts = planKey.split("\u001f", 3);
      if (parts.length == 3) {
        return plans.get(parts[0], parts[1], Long.parseLong(parts[2]));
      }
    }
    RunRow run = runs.run(runId).orElse(null);
    return run == null ? null : plans.get(run.tenantId(), run.workflowId(), run.version());
  }

  private CompletionHandler<String> attempt(UUID runId, String key, String planKey, ExecutionContext context) {
    Plan plan = plan(runId, planKey);
    if (plan == null) {
      return (complete, ops) -> ops.remove();
    }
    Plan.StepPlan sp = plan.step(stepIdOf(key));
    // Steps this replica started itself may hold its slots: this one waits its turn (held and
    // heartbeated meanwhile), and is put back only if none frees up within a heartbeat interval.
    if (!limits.enterReplica(heartbeat)) {
      return (complete, ops) -> ops.reschedule(complete, Instant.now().plusMillis(100));
    }
    try {
      return attemptHoldingSlot(runId, key, planKey, plan, sp, context);
    } finally {
      limits.leaveReplica();
    }
  }

  /** With one of the replica's slots: takes the step's own slots, begins the attempt and runs it here. */
  private CompletionHandler<String> attemptHoldingSlot(
      UUID runId, String key, String planKey, Plan plan, Plan.StepPlan sp, ExecutionContext context) {
    Runnable release = limits.tryAcquire(plan, sp);
    if (release == null) {
      return (complete, ops) -> ops.reschedule(complete, Instant.now().plusMillis(100));
    }
    RunRepository.Started started;
    try {
      started = engine.inTransaction(() -> {
        RunRepository.Started begun = runs.beginAttempt(runId, key, worker, Times.now()).orElse(null);
        if (begun != null) {
          publishRunning(runId, key, begun);
        }
        return begun;
      });
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    if (started == null) {
      release.run();
      return (complete, ops) -> ops.remove();
    }
    runStarted(runId, key, planKey, plan, started, release, context);
    return (complete, ops) -> {};
  }

  /**
   * Runs an attempt this worker started and holds the execution of ({@code context}), then the
   * steps of the chain it keeps, on the calling thread; {@code release} frees the attempt's slots.
   */
  void runStarted(UUID runId, String key, String planKey, Plan plan, RunRepository.Started started, Runnable release,
      ExecutionContext context) {
    Held next = new Held(key, planKey, plan, plan.step(stepIdOf(key)), started, release);
    while (next != null) {
      next = run(runId, next, context);
    }
  }

  /**
   * An attempt this worker started and holds the execution for.
   *
   * @param key step key
   * @param planKey key of the run's plan
   * @param plan the run's plan
   * @param sp the step's plan
   * @param started the attempt as started
   * @param release frees its slots in the concurrency limits
   */
  private record Held(String key, String planKey, Plan plan, Plan.StepPlan sp, RunRepository.Started started,
      Runnable release) {}

  private static String stepIdOf(String key) {
    return key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
  }

  void publishRunning(UUID runId, String key, RunRepository.Started started) {
    events.publishAfterCommit(List.of(ExecutionEvent.newBuilder().setExecutionId(runId.toString())
        .setSeq(started.run().seq()).setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP).setStepId(key)
        .setStatus(started.run().status()).setStepStatus(StepStatus.STEP_STATUS_RUNNING).setAttempt(started.attempt())
        .setAt(Times.proto(Times.now())).build()));
  }

  /**
   * Runs a held attempt and records its end; returns the attempt of the same execution this
   * worker started in that transaction to run next (the next step of a chain), or null.
   */
  private Held run(UUID runId, Held held, ExecutionContext context) {
    Held[] next = new Held[1];
    try {
      RunRepository.Started started = held.started();
      String key = held.key();
      String idempotencyKey = Dispatch.attemptId(runId, key, started.attempt());
      AttemptInputs.Prepared prepared = inputs.prepare(started.run(), held.sp(), started.itemIndex(), started.stepId(),
          started.attempts(), () -> runs.steps(runId));
      ActionRunner.Outcome outcome;
      if (prepared.error() != null) {
        outcome = prepared.failure();
      } else {
        outcome =
            runner.runUnreported(prepared.action(), started.run().principal(), prepared.params(), idempotencyKey,
                prepared.timeout(), future -> running.put(future, new Running(runId, context)), running::remove);
      }
      String instance = context.getExecution().taskInstance.getId();
      long version = context.getExecution().version;
      boolean recorded =
          engine.inTransaction(() -> {
            if (next[0] != null) {
              // A try that did not commit (retried after a deadlock) kept an attempt: it is not kept.
              next[0].release().run();
              next[0] = null;
            }
            if (prepared.action() != null) {
              runner.report(prepared.action(), started.run().principal(), idempotencyKey, outcome);
            }
            return end(runId, held, prepared.params(), outcome, instance, version, next);
          });
      if (!recorded) {
        log.info("attempt {} of {}/{} ended after this worker lost it; its result is dropped", started.attempt(), runId, key);
      }
      return next[0];
    } catch (RuntimeException e) {
      if (next[0] != null) {
        next[0].release().run();
      }
      throw e;
    } finally {
      held.release().run();
    }
  }

  /**
   * Second transaction: records the attempt's end if this worker still holds it. When that makes
   * an action step of the same execution due now and its concurrency limits have room, the worker
   * keeps it: it writes its execution back as still held (heartbeats go on) naming that step, and
   * starts its attempt in this same transaction ({@code next}), instead of a new execution that a
   * poll would pick and a third transaction would start.
   */
  private boolean end(UUID runId, Held held, Struct params, ActionRunner.Outcome outcome, String instance, long version,
      Held[] next) {
    String key = held.key();
    int attempt = held.started().attempt();
    RunRepository.Locked locked = runs.lockWithSteps(runId).orElse(null);
    if (locked == null) {
      return false;
    }
    AttemptStatus status = AttemptInputs.attemptStatus(outcome);
    boolean[] done = runs.releaseAndEnd(TaskNames.STEP, instance, version, runId, key, attempt, status,
        params == null ? null : Json.of(params), outcome.output(), outcome.error(), Times.now());
    if (!done[0]) {
      return false;
    }
    if (!done[1] || !locked.run().running()) {
      return true;
    }
    Interpreter.Ctx ctx = interpreter.context(locked);
    StepRow step = ctx.rows.get(key);
    if (step == null || step.status() != StepStatus.STEP_STATUS_RUNNING) {
      return true;
    }
    Runnable[] nextRelease = new Runnable[1];
    ctx.keeper = sp -> {
      if (!keeping) {
        return false;
      }
      nextRelease[0] = limits.tryAcquire(held.plan(), sp);
      return nextRelease[0] != null;
    };
    try {
      interpreter.attemptEnded(ctx, step, outcome.ok(), outcome.output(), outcome.error(), outcome.retryable());
      ctx.flush();
      if (ctx.kept != null) {
        String nextKey = ctx.kept;
        Instant now = Times.now();
        dispatch.keepHeld(instance, version, worker, held.planKey(), nextKey, now);
        RunRepository.Started started = runs.beginAttempt(runId, nextKey, worker, now)
            .orElseThrow(() -> new IllegalStateException("the step " + nextKey + " made ready here did not start"));
        next[0] = new Held(nextKey, held.planKey(), held.plan(), held.plan().step(stepIdOf(nextKey)), started,
            nextRelease[0]);
        publishRunning(runId, nextKey, started);
      }
    } catch (RuntimeException e) {
      if (nextRelease[0] != null && next[0] == null) {
        nextRelease[0].run();
      }
      throw e;
    }
    return true;
  }

  /** A worker died holding an attempt: its attempt is recorded abandoned, then the step runs again. */
  void dead(ExecutionComplete complete, ExecutionOperations<String> ops) {
    var execution = complete.getExecution();
    String id = execution.taskInstance.getId();
    int first = id.indexOf('/');
    int last = id.lastIndexOf('/');
    try {
      UUID runId = UUID.fromString(id.substring(0, first));
      String key = Dispatch.HeldStep.in(execution.taskInstance.getData())
          .map(Dispatch.HeldStep::stepKey)
          .orElse(id.substring(first + 1, last));
      int n = runs.abandonAttempts(runId, key, execution.lastHeartbeat);
      log.warn("step execution {} was held by {} which stopped heartbeating; {} attempt(s) abandoned, running it again",
          id, execution.pickedBy, n);
    } catch (RuntimeException e) {
      log.warn("could not record the abandoned attempt of {}: {}", id, e.toString());
    }
    ops.reschedule(complete, Instant.now());
  }
}
