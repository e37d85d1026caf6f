package dev.nerve.automation.engine;

import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.automation.action.ActionDefinition;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.StepKind;
import dev.nerve.platform.storage.TransactionScoped;
import java.time.Instant;

/**
 * Runs action steps of pure kinds ({@link dev.nerve.automation.action.ActionKind#pure}, such as
 * {@code transform}) in place: in the transaction whose interpreter made them due, on its thread,
 * instead of queueing an attempt for a worker, like the synchronous system tasks of other
 * workflow engines. The attempt is written once, ended, and commits with what it made happen; if
 * the transaction does not commit nothing of it is seen, and running it again is harmless. A
 * failure with attempts left is retried through the queue with the step's backoff.
 */
final class InlineSteps {

  /** Steps run in place per transaction; further ones are queued, so a transaction stays short. */
  static final int MAX_PER_TRANSACTION = 100;

  /** Steps run in place by each transaction. */
  private final TransactionScoped<int[]> ranPerTransaction = new TransactionScoped<>(() -> new int[1]);
  private final AttemptInputs inputs;
  private final RunRepository runs;
  private final ConcurrencyLimits limits;
  private final String worker;

  InlineSteps(AttemptInputs inputs, RunRepository runs, ConcurrencyLimits limits, String worker) {
    this.inputs = inputs;
    this.runs = runs;
    this.limits = limits;
    this.worker = worker;
  }

  /**
   * A step due to run in place.
   *
   * @param key its key
   * @param sp its plan
   * @param action its resolved action
   * @param release frees the workflow's and the kind's concurrency slots it holds
   */
  record Due(String key, Plan.StepPlan sp, ActionDefinition action, Runnable release) {}

  /**
   * An attempt that ran in place.
   *
   * @param step the step as it ran (RUNNING, with the attempt counted)
   * @param outcome how the action ended
   */
  record Ran(StepRow step, ActionRunner.Outcome outcome) {}

  /**
   * The step that became due as {@code key}, to run in place, or null when it is queued like any
   * other: not an action step, not of a pure kind, in a context that queues everything, over the
   * per-transaction bound, or its workflow's or kind's concurrency limit is full.
   */
  Due take(Interpreter.Ctx ctx, Plan.StepPlan sp, String key) {
    if (!ctx.runsInPlace || sp.kind() != StepKind.ACTION) {
      return null;
    }
    int[] ran = ranInThisTransaction();
    if (ran[0] >= MAX_PER_TRANSACTION) {
      return null;
    }
    ActionDefinition action = inputs.resolve(ctx.run, sp).orElse(null);
    if (action == null || !inputs.runner().pure(action)) {
      return null;
    }
    Runnable release = limits.tryAcquire(ctx.plan, sp);
    if (release == null) {
      return null;
    }
    ran[0]++;
    return new Due(key, sp, action, release);
  }

  /**
   * Steps run in place so far by the current transaction, over all the executions it advances (a
   * batch of starts advances many); outside a transaction, a fresh count.
   */
  private int[] ranInThisTransaction() {
    int[] count = ranPerTransaction.get();
    return count == null ? new int[1] : count;
  }

  /** Runs the next attempt of a due step and records it, ended; the caller records the step's end. */
  Ran run(Interpreter.Ctx ctx, Due due) {
    try {
      StepRow ready = ctx.rows.get(due.key());
      Instant began = Times.now();
      StepRow running = new StepRow(ready.key(), ready.stepId(), null, StepStatus.STEP_STATUS_RUNNING, ready.attempts() + 1,
          ready.attemptBase(), null, "", null, ready.startedAt() == null ? ctx.now : ready.startedAt(), null);
      ctx.changed(running);
      int attempt = running.attemptBase() + running.attempts();
      String idempotencyKey = Dispatch.attemptId(ctx.run.id(), running.key(), attempt);
      AttemptInputs.Prepared prepared =
          inputs.prepare(ctx.run, due.sp(), due.action(), null, running.stepId(), ctx.rows::values);
      ActionRunner runner = inputs.runner();
      ActionRunner.Outcome outcome = prepared.error() != null
          ? prepared.failure()
          : runner.runHere(prepared.action(), ctx.run.principal(), prepared.params(), idempotencyKey, prepared.timeout());
      runs.insertEndedAttempt(ctx.run.id(), running.key(), attempt, AttemptInputs.attemptStatus(outcome), worker,
          prepared.params() == null ? null : Json.of(prepared.params()), outcome.output(), outcome.error(), began,
          Times.now());
      if (prepared.action() != null) {
        runner.report(prepared.action(), ctx.run.principal(), idempotencyKey, outcome);
      }
      return new Ran(running, outcome);
    } finally {
      due.release().run();
    }
  }
}
