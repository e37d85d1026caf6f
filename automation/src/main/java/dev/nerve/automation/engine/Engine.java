package dev.nerve.automation.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.Plans;
import dev.nerve.automation.workflow.Workflows;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable execution engine's operations: start an execution (idempotently by key), cancel,
 * time out or resume one, and react to timers and events. Each operation is one PostgreSQL
 * transaction that locks the execution's row, so its state changes one at a time and it ends
 * exactly once; the work it schedules (step attempts, timers) appears with the commit.
 */
public final class Engine {

  private final RunRepository runs;
  private final Plans plans;
  private final Workflows workflows;
  private final Interpreter interpreter;
  private final Dispatch dispatch;
  private final TransactionTemplate tx;
  private final AutomationProperties properties;
  private volatile LocalStarts local;

  Engine(
      RunRepository runs,
      Plans plans,
      Workflows workflows,
      Interpreter interpreter,
      Dispatch dispatch,
      TransactionTemplate tx,
      AutomationProperties properties) {
    this.runs = runs;
    this.plans = plans;
    this.workflows = workflows;
    this.interpreter = interpreter;
    this.dispatch = dispatch;
    this.tx = tx;
    this.properties = properties;
  }

  RunRepository runs() {
    return runs;
  }

  Interpreter interpreter() {
    return interpreter;
  }

  /**
   * What to start.
   *
   * @param principal on whose behalf
   * @param workflowId workflow
   * @param version version, or null for the current one
   * @param input execution input
   * @param trigger what starts it
   * @param key idempotency key, or empty
   */
  public record Start(Principal principal, String workflowId, Long version, Struct input, String trigger, String key) {}

  /**
   * Starts an execution in the caller's transaction (or its own); returns its id, or the id of the
   * execution already started with the same key.
   */
  public UUID start(Start start) {
    return startRun(start).id();
  }

  /**
   * Starts an execution like {@link #start} and returns it as it was when the start committed (the
   * execution already started with the same key, as read then).
   */
  public RunRow startRun(Start start) {
    return inTransaction(() -> startInTransaction(start, null, null));
  }

  RunRow startInTransaction(Start start, UUID parent, String parentStep) {
    return startInTransaction(start, parent, parentStep, null);
  }

  /**
   * Starts an execution in the current transaction; {@code versions} (workflow id to current
   * version), when given, keeps the current versions read by the starts of one transaction.
   */
  RunRow startInTransaction(Start start, UUID parent, String parentStep, Map<String, Long> versions) {
    Principal p = start.principal();
    if (!start.key().isEmpty()) {
      var existing = runs.keyOwner(p.tenantId(), start.key());
      if (existing.isPresent()) {
        return runs.run(existing.get()).orElseThrow();
      }
    }
    Inputs.payload("input", start.input(), properties.limits().maxPayloadBytes());
    long version;
    if (start.version() == null) {
      version = versions == null
          ? workflows.currentVersion(p.tenantId(), start.workflowId())
          : versions.computeIfAbsent(p.tenantId() + '\n' + start.workflowId(),
              k -> workflows.currentVersion(p.tenantId(), start.workflowId()));
    } else {
      plans.get(p.tenantId(), start.workflowId(), start.version());
      long current = workflows.currentVersion(p.tenantId(), start.workflowId());
      version = start.version();
      if (version > current) {
        throw NerveException.notFound("workflow version", start.workflowId() + "@" + version);
      }
    }
    Plan plan = plans.get(p.tenantId(), start.workflowId(), version);
    Instant now = Times.now();
    UUID id = UUID.randomUUID();
    if (!start.key().isEmpty()) {
      UUID owner = runs.claimKey(p.tenantId(), start.key(), id, now);
      if (!owner.equals(id)) {
        return runs.run(owner).orElseThrow();
      }
    }
    Duration timeout = plan.timeout();
    Instant deadline = timeout == null ? null : now.plus(timeout);
    // Inserted with a block of sequence numbers reserved for this transaction's changes.
    RunRow run =
        new RunRow(id, p.tenantId(), start.workflowId(), version, ExecutionStatus.EXECUTION_STATUS_RUNNING, start.input(),
            null, "", start.trigger(), parent, parentStep, p, start.key(), deadline, RunRepository.SEQ_BLOCK, false, now,
            null);
    runs.insertRun(run);
    if (deadline != null) {
      dispatch.runTimeout(id, deadline);
    }
    Interpreter.Ctx ctx = interpreter.fresh(run);
    // A child's steps are queued: a child ending inside its parent's advance would report its end
    // to a parent step that is not written yet.
    ctx.runsInPlace = parent == null;
    LocalStarts local = this.local;
    LocalStarts.Offer offer = local == null ? null : local.offer(ctx);
    interpreter.advance(ctx);
    ctx.flush();
    if (offer != null) {
      offer.begin();
    }
    return ctx.run;
  }

  /**
   * From now on the first action step of an execution started here starts in its transaction,
   * held and run by this replica when it has room ({@link LocalStarts}).
   */
  void startLocally(LocalStarts local) {
    this.local = local;
  }

  /** Starts a sub-workflow execution of {@code parent} in the current transaction. */
  UUID startChild(RunRow parent, String stepKey, String workflowId, Long version, Struct input) {
    int depth = 0;
    UUID up = parent.parentRunId();
    while (up != null && depth <= Interpreter.MAX_DEPTH) {
      depth++;
      up = runs.run(up).map(RunRow::parentRunId).orElse(null);
    }
    if (depth >= Interpreter.MAX_DEPTH) {
      throw new IllegalStateException("sub-workflows nest deeper than " + Interpreter.MAX_DEPTH);
    }
    return startInTransaction(
        new Start(parent.principal(), workflowId, version, input, "subworkflow:" + parent.id(), ""), parent.id(), stepKey).id();
  }

  /**
   * Stops a running execution as CANCELLED or TIMED_OUT: work not started is dropped, running
   * attempts end as cancelled (their workers are interrupted), child executions are cancelled.
   */
  public RunRow stop(String tenantId, UUID runId, ExecutionStatus status, String reason) {
    return inTransaction(
        () -> {
          RunRow run = runs.lockRun(runId).filter(r -> tenantId == null || r.tenantId().equals(tenantId))
              .orElseThrow(() -> NerveException.notFound("execution", runId.toString()));
          if (!run.running()) {
            return run;
          }
          Interpreter.Ctx ctx = interpreter.context(run);
          for (StepRow row : new ArrayList<>(ctx.rows.values())) {
            if (!row.terminal()) {
              ctx.update(new StepRow(row.key(), row.stepId(), row.itemIndex(), StepStatus.STEP_STATUS_CANCELLED,
                  row.attempts(), row.attemptBase(), null, reason, row.childRunId(), row.startedAt(), ctx.now));
            }
          }
          runs.cancelAttempts(runId, reason, ctx.now);
          interpreter.end(ctx, status, null, reason, false);
          ctx.flush();
          return runs.run(runId).orElseThrow();
        });
  }

  /** Resumes a FAILED, TIMED_OUT or CANCELLED execution from the steps that did not succeed. */
  public RunRow retry(String tenantId, UUID runId) {
    return inTransaction(
        () -> {
          RunRow run = runs.lockRun(runId).filter(r -> r.tenantId().equals(tenantId))
              .orElseThrow(() -> NerveException.notFound("execution", runId.toString()));
          if (run.status() != ExecutionStatus.EXECUTION_STATUS_FAILED
              && run.status() != ExecutionStatus.EXECUTION_STATUS_TIMED_OUT
              && run.status() != ExecutionStatus.EXECUTION_STATUS_CANCELLED) {
            throw new NerveException(ErrorCode.FAILED_PRECONDITION,
                "execution " + runId + " is " + RunRow.name(run.status()) + "; only FAILED, TIMED_OUT or CANCELLED ones can be retried");
          }
          Plan plan = plans.get(run.tenantId(), run.workflowId(), run.version());
          Instant now = Times.now();
          Instant deadline = plan.timeout() == null ? null : now.plus(plan.timeout());
          runs.deleteUnsucceeded(runId);
          runs.reopen(runId, deadline);
          if (deadline != null) {
            dispatch.runTimeout(runId, deadline);
          }
          RunRow reopened = runs.run(runId).orElseThrow();
          interpreter.advance(reopened);
          return runs.run(runId).orElseThrow();
        });
  }

  /** A wait step's time came. */
  void wake(UUID runId, String key) {
    inTransaction(
        () -> {
          RunRow run = runs.lockRun(runId).orElse(null);
          if (run == null || !run.running()) {
            return null;
          }
          Interpreter.Ctx ctx = interpreter.context(run);
          StepRow step = ctx.rows.get(key);
          if (step != null && step.status() == StepStatus.STEP_STATUS_WAITING) {
            ctx.update(new StepRow(key, step.stepId(), null, StepStatus.STEP_STATUS_SUCCEEDED, 0, 0,
                dev.nerve.automation.support.Json.of(Struct.newBuilder()
                    .putFields("wokeAt", dev.nerve.automation.support.Json.of(ctx.now.toString())).build()),
                "", null, step.startedAt(), ctx.now));
            interpreter.advance(ctx);
          }
          ctx.flush();
          return null;
        });
  }

  /** A waitForEvent step's timeout came before its event. */
  void eventTimeout(UUID runId, String key) {
    inTransaction(
        () -> {
          RunRow run = runs.lockRun(runId).orElse(null);
          if (run == null || !run.running()) {
            return null;
          }
          Interpreter.Ctx ctx = interpreter.context(run);
          StepRow step = ctx.rows.get(key);
          if (step != null && step.status() == StepStatus.STEP_STATUS_WAITING && runs.deleteWait(runId, key)) {
            var wait = ctx.plan.step(step.stepId()).step().getWaitForEvent();
            interpreter.fail(ctx, ctx.plan.step(step.stepId()), step,
                "no event " + wait.getEvent() + " arrived within " + Times.duration(wait.getTimeout()));
            interpreter.advance(ctx);
          }
          ctx.flush();
          return null;
        });
  }

  /**
   * Resumes the waitForEvent steps of the tenant waiting for {@code event} with {@code key}, in
   * the caller's transaction; returns how many it resumed.
   */
  public int resume(String tenantId, String event, String key, Value payload) {
    List<Object[]> waiting = new ArrayList<>(runs.waiting(tenantId, event, key));
    waiting.sort((a, b) -> a[0].toString().compareTo(b[0].toString()));
    int resumed = 0;
    for (Object[] wait : waiting) {
      UUID runId = (UUID) wait[0];
      String stepKey = (String) wait[1];
      RunRow run = runs.lockRun(runId).orElse(null);
      if (run == null || !run.running() || !runs.deleteWait(runId, stepKey)) {
        continue;
      }
      Interpreter.Ctx ctx = interpreter.context(run);
      StepRow step = ctx.rows.get(stepKey);
      if (step == null || step.status() != StepStatus.STEP_STATUS_WAITING) {
        continue;
      }
      ctx.update(new StepRow(stepKey, step.stepId(), null, StepStatus.STEP_STATUS_SUCCEEDED, 0, 0, payload, "", null,
          step.startedAt(), ctx.now));
      interpreter.advance(ctx);
      ctx.flush();
      resumed++;
    }
    return resumed;
  }

  /** Cancels the running executions of a workflow (delete with cancelRuns). */
  public void cancelRunsOf(String tenantId, String workflowId) {
    for (UUID id : runs.activeRuns(tenantId, workflowId)) {
      stop(tenantId, id, ExecutionStatus.EXECUTION_STATUS_CANCELLED, "the workflow was deleted");
    }
  }

  /** Runs {@code work} in a transaction (joining one in progress), retrying on deadlocks. */
  <T> T inTransaction(Supplier<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        T result = tx.execute(status -> work.get());
        dispatch.nudge();
        return result;
      } catch (PessimisticLockingFailureException e) {
        if (attempt >= 5 || org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
          throw e;
        }
      }
    }
  }
}
