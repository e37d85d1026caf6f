package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.automation.action.ActionDefinition;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.action.Actions;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.Plans;
import dev.nerve.automation.workflow.StepKind;
import dev.nerve.automation.workflow.Templates;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * lease another replica took over records nothing. While the action runs, a watchdog interrupts it
 * if this replica's heartbeats go stale (before another replica may take the step over), and an
 * execution that is cancelled interrupts its running attempts.
 */
final class StepWorker {

  private static final Logger log = LoggerFactory.getLogger(StepWorker.class);

  /** Abandoned attempts (crashed workers) tolerated beyond the retry policy. */
  static final int MAX_ABANDONED = 5;

  private final Engine engine;
  private final Interpreter interpreter;
  private final RunRepository runs;
  private final Plans plans;
  private final Templates templates;
  private final ActionRunner runner;
  private final Dispatch dispatch;
  private final ConcurrencyLimits limits;
  private final String worker;
  private final Map<Future<?>, Running> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "automation-watchdog");
            t.setDaemon(true);
            return t;
          });

  private record Running(UUID runId, ExecutionContext context) {}

  StepWorker(
      Engine engine,
      Interpreter interpreter,
      RunRepository runs,
      Plans plans,
      Templates templates,
      ActionRunner runner,
      Dispatch dispatch,
      ConcurrencyLimits limits,
      RunEvents events,
      String worker,
      Duration heartbeat) {
    this.engine = engine;
    this.interpreter = interpreter;
    this.runs = runs;
    this.plans = plans;
    this.templates = templates;
    this.runner = runner;
    this.dispatch = dispatch;
    this.limits = limits;
    this.worker = worker;
    events.listenAll(this::onEvent);
    long period = Math.max(100, heartbeat.toMillis() / 4);
    watchdog.scheduleAtFixedRate(this::checkLeases, period, period, TimeUnit.MILLISECONDS);
  }

  void close() {
    watchdog.shutdownNow();
  }

  /** Interrupts the local attempts of an execution that stopped. */
  private void onEvent(ExecutionEvent event) {
    if (event.getType() != ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION) {
      return;
    }
    running.forEach(
        (future, r) -> {
          if (r.runId().toString().equals(event.getExecutionId())) {
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

  CompletionHandler<Void> execute(TaskInstance<Void> instance, ExecutionContext context) {
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
        return attempt(runId, key, context);
      }
    }
  }

  private CompletionHandler<Void> attempt(UUID runId, String key, ExecutionContext context) {
    RunRow run = runs.run(runId).orElse(null);
    if (run == null || !run.running()) {
      return (complete, ops) -> ops.remove();
    }
    Plan plan = plans.get(run.tenantId(), run.workflowId(), run.version());
    String stepId = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
    Plan.StepPlan sp = plan.step(stepId);
    String kindId = kindOf(sp);
    Runnable release = limits.tryAcquire(run.tenantId() + "/" + run.workflowId(), kindId);
    if (release == null) {
      return (complete, ops) -> ops.reschedule(complete, Instant.now().plusMillis(100));
    }
    try {
      Begun begun = engine.inTransaction(() -> begin(runId, key, sp, run));
      if (begun == null) {
        return (complete, ops) -> ops.remove();
      }
      ActionRunner.Outcome outcome;
      if (begun.error() != null) {
        outcome = new ActionRunner.Outcome(dev.nerve.api.automation.v1.ActionStatus.ACTION_STATUS_FAILED, null,
            begun.error(), false, List.of(), Duration.ZERO);
      } else {
        outcome =
            runner.run(begun.action(), run.principal(), begun.params(), begun.idempotencyKey(), begun.timeout(),
                future -> running.put(future, new Running(runId, context)), running::remove);
      }
      String instance = context.getExecution().taskInstance.getId();
      long version = context.getExecution().version;
      boolean recorded = engine.inTransaction(() -> end(runId, key, begun.attempt(), outcome, instance, version));
      if (!recorded) {
        log.info("attempt {} of {}/{} ended after this worker lost it; its result is dropped", begun.attempt(), runId, key);
      }
      return (complete, ops) -> {};
    } finally {
      release.run();
    }
  }

  private static String kindOf(Plan.StepPlan sp) {
    if (sp == null) {
      return "unknown";
    }
    WorkflowStep step = sp.step();
    if (sp.kind() == StepKind.FOR_EACH) {
      return step.getForEach().hasCall() ? String.valueOf(Actions.kindId(step.getForEach().getCall().getKind())) : step.getForEach().getActionId();
    }
    return step.hasCall() ? String.valueOf(Actions.kindId(step.getCall().getKind())) : step.getActionId();
  }

  /**
   * An attempt that started.
   *
   * @param attempt its number
   * @param action the action to run, or null when the attempt failed before running
   * @param params its prepared parameters
   * @param idempotencyKey key handed to the action
   * @param timeout its deadline
   * @param error why it failed before running, or null
   */
  private record Begun(int attempt, ActionDefinition action, Struct params, String idempotencyKey, Duration timeout, String error) {}

  /** First transaction: the attempt starts (or nothing is to be done: null). */
  private Begun begin(UUID runId, String key, Plan.StepPlan sp, RunRow cached) {
    StepRow step = runs.lockStep(runId, key).orElse(null);
    if (step == null || !step.is(StepStatus.STEP_STATUS_READY, StepStatus.STEP_STATUS_RUNNING)) {
      return null;
    }
    RunRow run = runs.run(runId).orElse(null);
    if (run == null || !run.running()) {
      return null;
    }
    Instant now = Times.now();
    if (step.status() == StepStatus.STEP_STATUS_RUNNING) {
      runs.abandonAttempts(runId, key, null);
    }
    int attempt = runs.maxAttempt(runId, key) + 1;
    String idempotencyKey = runId + "/" + key + "/" + attempt;
    String error = null;
    ActionDefinition action = null;
    Struct params = null;
    Duration timeout = null;
    if (attempt - step.attemptBase() > sp.maxAttempts() + MAX_ABANDONED) {
      error = "the step was abandoned by crashed workers too often";
    } else {
      try {
        action = resolve(run, sp).orElse(null);
        if (action == null) {
          error = "action " + kindOrId(sp) + " does not exist (any more)";
        } else {
          Struct input = input(run, sp, step, runId);
          params = runner.prepare(action, input, "input");
          Duration stepTimeout = sp.step().hasTimeout() ? Times.duration(sp.step().getTimeout()) : null;
          timeout = runner.timeout(action, stepTimeout);
          if (run.deadline() != null) {
            Duration left = Duration.between(now, run.deadline());
            if (left.compareTo(timeout) < 0) {
              timeout = left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
            }
          }
        }
      } catch (CelException e) {
        error = "input: " + e.getMessage();
      } catch (NerveException e) {
        error = e.getMessage();
      }
    }
    runs.startAttempt(runId, key, attempt, params == null ? null : Json.of(params), worker, now);
    StepRow started = new StepRow(key, step.stepId(), step.itemIndex(), StepStatus.STEP_STATUS_RUNNING, step.attempts() + 1,
        step.attemptBase(), null, "", null, step.startedAt() == null ? now : step.startedAt(), null);
    runs.updateStep(runId, started);
    Interpreter.Ctx ctx = interpreter.context(run);
    ctx.changes.add(ExecutionEvent.newBuilder().setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP).setStepId(key)
        .setStepStatus(StepStatus.STEP_STATUS_RUNNING).setAttempt(attempt));
    ctx.flush();
    return new Begun(attempt, action, params, idempotencyKey, timeout, error);
  }

  private Optional<ActionDefinition> resolve(RunRow run, Plan.StepPlan sp) {
    WorkflowStep step = sp.step();
    var registry = runner.registry();
    if (sp.kind() == StepKind.FOR_EACH) {
      var each = step.getForEach();
      return each.hasCall() ? inline(each.getCall()) : registry.find(run.principal(), each.getActionId());
    }
    return step.hasCall() ? inline(step.getCall()) : registry.find(run.principal(), step.getActionId());
  }

  private Optional<ActionDefinition> inline(dev.nerve.api.automation.v1.ActionCall call) {
    String kindId = Actions.kindId(call.getKind());
    if (kindId == null) {
      return Optional.empty();
    }
    return runner.registry().kind(kindId).map(kind -> {
      ActionDefinition builtin = runner.registry().builtin(kindId).orElseThrow();
      return new ActionDefinition(builtin.id(), builtin.name(), builtin.description(), kindId, call.getConfig(),
          builtin.inputSchema(), null, Struct.getDefaultInstance(), null, true, null, null);
    });
  }

  private static String kindOrId(Plan.StepPlan sp) {
    return sp.kind() == StepKind.FOR_EACH ? sp.step().getForEach().getActionId() : sp.step().getActionId();
  }

  /** The step's rendered input: its mapping over input, steps (when it uses them), run, item, index. */
  private Struct input(RunRow run, Plan.StepPlan sp, StepRow step, UUID runId) {
    Struct mapping = sp.kind() == StepKind.FOR_EACH ? sp.step().getForEach().getInput() : sp.step().getInput();
    if (mapping.getFieldsCount() == 0) {
      return mapping;
    }
    Map<String, Value> vars = new java.util.HashMap<>();
    vars.put("input", Json.of(run.input()));
    vars.put("run", Interpreter.runVariable(run));
    if (Templates.mentions(mapping, "steps")) {
      vars.put("steps", Interpreter.stepsVariable(runs.steps(runId)));
    }
    if (step.itemIndex() != null) {
      StepRow parent = runs.step(runId, step.stepId()).orElseThrow();
      vars.put("item", parent.output().getListValue().getValues(step.itemIndex()));
      vars.put("index", Json.of(step.itemIndex()));
    }
    return templates.render(mapping, vars);
  }

  /** Second transaction: records the attempt's end if this worker still holds it. */
  private boolean end(UUID runId, String key, int attempt, ActionRunner.Outcome outcome, String instance, long version) {
    RunRow run = runs.lockRun(runId).orElse(null);
    if (run == null) {
      return false;
    }
    if (!dispatch.release(instance, version)) {
      return false;
    }
    Instant now = Times.now();
    AttemptStatus status =
        switch (outcome.status()) {
          case ACTION_STATUS_SUCCEEDED -> AttemptStatus.ATTEMPT_STATUS_SUCCEEDED;
          case ACTION_STATUS_TIMED_OUT -> AttemptStatus.ATTEMPT_STATUS_TIMED_OUT;
          default -> AttemptStatus.ATTEMPT_STATUS_FAILED;
        };
    if (!runs.endAttempt(runId, key, attempt, status, outcome.output(), outcome.error(), now)) {
      return true;
    }
    if (!run.running()) {
      return true;
    }
    Interpreter.Ctx ctx = interpreter.context(run);
    StepRow step = ctx.rows.get(key);
    if (step == null || step.status() != StepStatus.STEP_STATUS_RUNNING) {
      return true;
    }
    interpreter.attemptEnded(ctx, step, outcome.ok(), outcome.output(), outcome.error(), outcome.retryable());
    ctx.flush();
    return true;
  }

  /** A worker died holding an attempt: its attempt is recorded abandoned, then the step runs again. */
  void dead(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    var execution = complete.getExecution();
    String id = execution.taskInstance.getId();
    int first = id.indexOf('/');
    int last = id.lastIndexOf('/');
    try {
      UUID runId = UUID.fromString(id.substring(0, first));
      int n = runs.abandonAttempts(runId, id.substring(first + 1, last), execution.lastHeartbeat);
      log.warn("step execution {} was held by {} which stopped heartbeating; {} attempt(s) abandoned, running it again",
          id, execution.pickedBy, n);
    } catch (RuntimeException e) {
      log.warn("could not record the abandoned attempt of {}: {}", id, e.toString());
    }
    ops.reschedule(complete, Instant.now());
  }
}
