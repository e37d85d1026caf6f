package dev.nerve.automation.engine;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.OnFailureMode;
import dev.nerve.api.automation.v1.RetryPolicy;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.api.automation.v1.SwitchCase;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.Plans;
import dev.nerve.automation.workflow.StepKind;
import dev.nerve.automation.workflow.Templates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workflow interpreter: given an execution whose row the caller has locked, it decides what
 * happens next and records it in the same transaction. It starts the steps whose dependencies are
 * done (evaluating conditions and switch branches, expanding forEach items up to their
 * concurrency, arming wait timers and event waits, starting sub-workflow executions, dispatching
 * action attempts to workers or running pure ones in place), reacts to failures (fail, continue,
 * compensate), and finishes the execution exactly once when nothing is left to run.
 */
final class Interpreter {

  /** Deepest nesting of sub-workflow executions. */
  static final int MAX_DEPTH = 10;

  private final RunRepository runs;
  private final Plans plans;
  private final Templates templates;
  private final Dispatch dispatch;
  private final RunEvents events;
  private final AutomationProperties.Limits limits;
  private final Children children;
  private final List<RunFinished> finished;
  private final InlineSteps inlineSteps;

  /** Starts child executions (sub-workflows) inside the current transaction. */
  interface Children {
    /** Starts a child of {@code parent} for {@code stepKey}; returns its id or throws. */
    UUID start(RunRow parent, String stepKey, String workflowId, Long version, Struct input);
  }

  Interpreter(
      RunRepository runs,
      Plans plans,
      Templates templates,
      Dispatch dispatch,
      RunEvents events,
      AutomationProperties.Limits limits,
      Children children,
      List<RunFinished> finished,
      InlineSteps inlineSteps) {
    this.runs = runs;
    this.plans = plans;
    this.templates = templates;
    this.dispatch = dispatch;
    this.events = events;
    this.limits = limits;
    this.children = children;
    this.finished = finished;
    this.inlineSteps = inlineSteps;
  }

  /** State of one execution while the interpreter works on it. */
  final class Ctx {
    RunRow run;
    final Plan plan;
    final Map<String, StepRow> rows = new LinkedHashMap<>();
    final List<ExecutionEvent.Builder> changes = new ArrayList<>();
    final Instant now = Times.now();

    /**
     * Decides whether the worker ending an attempt in this transaction keeps an attempt that
     * becomes due now and runs it next itself (instead of a new execution for any worker); null
     * when no worker asks. At most one attempt is kept.
     */
    java.util.function.Predicate<Plan.StepPlan> keeper;

    /** The key of the attempt kept by the worker, or null. */
    String kept;

    /** Steps due to run in place ({@link InlineSteps}), in the order they became due. */
    private final ArrayDeque<InlineSteps.Due> dueInline = new ArrayDeque<>();

    /** Whether pure steps may run in place in this context (else every step is queued). */
    boolean runsInPlace = true;

    /** Whether {@link #advance(Ctx)} is running the steps due in place (an inner advance only adds to them). */
    private boolean draining;

    /** Steps of this context whose row is not written yet (due in place): their first change inserts it. */
    private final Set<String> unwritten = new HashSet<>();

    /** Sequence numbers reserved by the lock (next to hand out, last reserved); 0/0 when none. */
    private long seqNext;
    private long seqLast;

    Ctx(RunRow run) {
      this(run, runs.steps(run.id()), 0, 0);
    }

    Ctx(RunRow run, List<StepRow> steps, long seqBase, int reserved) {
      this.run = run;
      this.plan = plans.get(run.tenantId(), run.workflowId(), run.version());
      steps.forEach(s -> rows.put(s.key(), s));
      this.seqNext = seqBase + 1;
      this.seqLast = seqBase + reserved;
    }

    /**
     * Makes a READY action step due: run in place when {@link InlineSteps} takes it (its row is
     * written once, when it ends), else written and its first attempt dispatched.
     */
    void due(Plan.StepPlan sp, StepRow ready, int attempt) {
      InlineSteps.Due due = inlineSteps == null ? null : inlineSteps.take(this, sp, ready.key());
      if (due == null) {
        insert(ready);
        dispatchFirst(sp, ready.key(), attempt);
        return;
      }
      changed(ready);
      unwritten.add(ready.key());
      dueInline.add(due);
    }

    /** Writes a step's row if it is still unwritten (a step due in place that will not run). */
    private void write(String key) {
      if (unwritten.remove(key)) {
        runs.insertStep(run.id(), rows.get(key));
      }
    }

    /** Dispatches the first attempt of a step that is due now, to the keeper when it takes it. */
    void dispatchFirst(Plan.StepPlan sp, String key, int attempt) {
      if (keeper != null && kept == null && keeper.test(sp)) {
        kept = key;
        return;
      }
      dispatch.attempt(run, key, attempt, now);
    }

    void insert(StepRow step) {
      runs.insertStep(run.id(), step);
      changed(step);
    }

    void update(StepRow step) {
      if (unwritten.remove(step.key())) {
        runs.insertStep(run.id(), step);
      } else {
        runs.updateStep(run.id(), step);
      }
      changed(step);
    }

    /**
     * A step's new state and its event, without a write: the caller wrote it, or it is written
     * later (an attempt run in place starts and ends in this transaction).
     */
    void changed(StepRow step) {
      rows.put(step.key(), step);
      stepEvent(step);
    }

    private void stepEvent(StepRow step) {
      ExecutionEvent.Builder event =
          ExecutionEvent.newBuilder()
              .setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP)
              .setStepId(step.key())
              .setStepStatus(step.status())
              .setAttempt(step.attemptBase() + step.attempts())
              .setError(step.error());
      if (step.status() == StepStatus.STEP_STATUS_SUCCEEDED && step.output() != null) {
        event.setOutput(step.output());
      }
      changes.add(event);
    }

    /** CEL variables: input, steps (id -> {output, status, error}), run. */
    Map<String, Value> variables() {
      Map<String, Value> vars = new HashMap<>();
      vars.put("input", Json.of(run.input()));
      vars.put("steps", stepsVariable(rows.values()));
      vars.put("run", runVariable(run));
      return vars;
    }

    /** Publishes the recorded changes after commit, numbered by the run's sequence. */
    void flush() {
      if (changes.isEmpty()) {
        return;
      }
      long seq;
      if (seqLast - seqNext + 1 >= changes.size()) {
        seq = seqNext - 1;
        seqNext += changes.size();
      } else {
        long last = runs.bumpSeq(run.id(), changes.size());
        run = run.withSeq(last);
        seq = last - changes.size();
      }
      List<ExecutionEvent> out = new ArrayList<>();
      for (ExecutionEvent.Builder change : changes) {
        out.add(
            change
                .setExecutionId(run.id().toString())
                .setSeq(++seq)
                .setStatus(run.status())
                .setAt(Times.proto(now))
                .build());
      }
      changes.clear();
      events.publishAfterCommit(out);
    }
  }

  /** The {@code steps} variable: step id -> {status, error, output (when succeeded)}. */
  static Value stepsVariable(java.util.Collection<StepRow> rows) {
    Struct.Builder steps = Struct.newBuilder();
    for (StepRow row : rows) {
      if (row.itemIndex() != null) {
        continue;
      }
      Struct.Builder entry =
          Struct.newBuilder()
              .putFields("status", Json.of(StepRow.name(row.status()).toLowerCase()))
              .putFields("error", Json.of(row.error()));
      if (row.status() == StepStatus.STEP_STATUS_SUCCEEDED && row.output() != null) {
        entry.putFields("output", row.output());
      }
      steps.putFields(row.stepId(), Json.of(entry.build()));
    }
    return Json.of(steps.build());
  }

  static Value runVariable(RunRow run) {
    return Json.of(
        Struct.newBuilder()
            .putFields("id", Json.of(run.id().toString()))
            .putFields("workflowId", Json.of(run.workflowId()))
            .putFields("version", Json.of(run.version()))
            .putFields("trigger", Json.of(run.trigger()))
            .putFields("startedAt", Json.of(run.createdAt().toString()))
            .build());
  }

  Ctx context(RunRow run) {
    return new Ctx(run);
  }

  /** The context of a run locked by {@link RunRepository#lockWithSteps}. */
  Ctx context(RunRepository.Locked locked) {
    return new Ctx(locked.run(), locked.steps(), locked.seqBase(), RunRepository.SEQ_BLOCK);
  }

  /**
   * The context of a run created in this transaction (no steps yet), inserted with its seq at the
   * end of a reserved block ({@link RunRepository#SEQ_BLOCK}).
   */
  Ctx fresh(RunRow run) {
    return new Ctx(run, List.of(), run.seq() - RunRepository.SEQ_BLOCK, RunRepository.SEQ_BLOCK);
  }

  /** Advances the locked execution and publishes its changes after commit. */
  void advance(RunRow run) {
    Ctx ctx = new Ctx(run);
    advance(ctx);
    ctx.flush();
  }

  /**
   * Starts what is due now and, at the outermost call, runs the pure steps that became due in
   * place, advancing after each, until none is left.
   */
  void advance(Ctx ctx) {
    if (ctx.draining) {
      startDue(ctx);
      return;
    }
    ctx.draining = true;
    try {
      startDue(ctx);
      InlineSteps.Due due;
      while ((due = ctx.dueInline.poll()) != null) {
        if (!ctx.run.running()) {
          due.release().run();
          ctx.write(due.key());
          continue;
        }
        InlineSteps.Ran ran = inlineSteps.run(ctx, due);
        var outcome = ran.outcome();
        attemptEnded(ctx, ran.step(), outcome.ok(), outcome.output(), outcome.error(), outcome.retryable());
      }
    } finally {
      ctx.draining = false;
      // Left only when something threw (the transaction rolls back): free their slots.
      for (InlineSteps.Due left; (left = ctx.dueInline.poll()) != null; ) {
        left.release().run();
      }
    }
  }

  private void startDue(Ctx ctx) {
    if (!ctx.run.running()) {
      return;
    }
    boolean progress = true;
    while (progress) {
      progress = false;
      boolean stopping = failing(ctx);
      for (Plan.StepPlan sp : ctx.plan.steps().values()) {
        if (sp.step().getCompensation()) {
          continue;
        }
        StepRow row = ctx.rows.get(sp.id());
        if (row != null) {
          if (sp.kind() == StepKind.FOR_EACH && row.status() == StepStatus.STEP_STATUS_RUNNING) {
            progress |= forEach(ctx, sp, row, stopping);
          }
          continue;
        }
        if (stopping || !dependenciesDone(ctx, sp)) {
          continue;
        }
        progress = true;
        if (sp.branchOf() != null && !chosen(ctx.rows.get(sp.branchOf()), sp.id())) {
          ctx.insert(terminal(sp.id(), null, StepStatus.STEP_STATUS_SKIPPED, null, "not on the chosen branch", ctx.now));
          continue;
        }
        if (!sp.step().getCondition().isEmpty()) {
          boolean run;
          try {
            run = templates.expression(sp.step().getCondition()).test(ctx.variables());
          } catch (CelException e) {
            fail(ctx, sp, null, "condition: " + e.getMessage());
            continue;
          }
          if (!run) {
            ctx.insert(terminal(sp.id(), null, StepStatus.STEP_STATUS_SKIPPED, null, "", ctx.now));
            continue;
          }
        }
        start(ctx, sp);
      }
    }
    if (ctx.rows.values().stream().noneMatch(Interpreter::active)) {
      finish(ctx);
    }
  }

  private static boolean active(StepRow row) {
    return row.is(StepStatus.STEP_STATUS_READY, StepStatus.STEP_STATUS_RUNNING, StepStatus.STEP_STATUS_WAITING,
        StepStatus.STEP_STATUS_PENDING);
  }

  /** Whether a step failed in a way that fails the execution (forEach items count through their step). */
  private static boolean failing(Ctx ctx) {
    for (StepRow row : ctx.rows.values()) {
      if (row.itemIndex() == null && row.status() == StepStatus.STEP_STATUS_FAILED) {
        Plan.StepPlan sp = ctx.plan.step(row.stepId());
        if (sp == null || sp.onFailure() != OnFailureMode.ON_FAILURE_MODE_CONTINUE) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean dependenciesDone(Ctx ctx, Plan.StepPlan sp) {
    for (String dep : sp.dependsOn()) {
      StepRow d = ctx.rows.get(dep);
      if (d == null) {
        return false;
      }
      boolean done =
          d.is(StepStatus.STEP_STATUS_SUCCEEDED, StepStatus.STEP_STATUS_SKIPPED)
              || (d.status() == StepStatus.STEP_STATUS_FAILED
                  && ctx.plan.step(dep).onFailure() == OnFailureMode.ON_FAILURE_MODE_CONTINUE);
      if (!done) {
        return false;
      }
    }
    return true;
  }

  /** Whether the switch (finished) chose the branch naming {@code stepId}. */
  private static boolean chosen(StepRow sw, String stepId) {
    if (sw == null || sw.status() != StepStatus.STEP_STATUS_SUCCEEDED || sw.output() == null) {
      return false;
    }
    return sw.output().getStructValue().getFieldsOrDefault("branch", Value.getDefaultInstance()).getListValue()
        .getValuesList().stream().anyMatch(v -> v.getStringValue().equals(stepId));
  }

  private void start(Ctx ctx, Plan.StepPlan sp) {
    String key = sp.id();
    switch (sp.kind()) {
      case ACTION -> {
        int base = ctx.run.retried() ? runs.maxAttempt(ctx.run.id(), key) : 0;
        ctx.due(sp, new StepRow(key, sp.id(), null, StepStatus.STEP_STATUS_READY, 0, base, null, "", null, null, null), base + 1);
      }
      case SWITCH -> {
        Value value;
        try {
          value = templates.evaluate(sp.step().getSwitch().getValue(), ctx.variables());
        } catch (CelException e) {
          fail(ctx, sp, null, "switch.value: " + e.getMessage());
          return;
        }
        int chosen = -1;
        List<SwitchCase> cases = sp.step().getSwitch().getCasesList();
        for (int i = 0; i < cases.size(); i++) {
          if (Json.canonical(cases.get(i).getEquals()).equals(Json.canonical(value))) {
            chosen = i;
            break;
          }
        }
        List<String> branch = chosen < 0 ? sp.step().getSwitch().getDefaultStepsList() : cases.get(chosen).getStepsList();
        ListValue.Builder names = ListValue.newBuilder();
        branch.forEach(s -> names.addValues(Json.of(s)));
        Value output =
            Json.of(
                Struct.newBuilder()
                    .putFields("value", value)
                    .putFields("case", Json.of(chosen))
                    .putFields("branch", Value.newBuilder().setListValue(names).build())
                    .build());
        ctx.insert(terminal(key, null, StepStatus.STEP_STATUS_SUCCEEDED, output, "", ctx.now));
      }
      case FOR_EACH -> {
        Value items;
        try {
          items = templates.evaluate(sp.step().getForEach().getItems(), ctx.variables());
        } catch (CelException e) {
          fail(ctx, sp, null, "forEach.items: " + e.getMessage());
          return;
        }
        if (!items.hasListValue()) {
          fail(ctx, sp, null, "forEach.items must give a list, not " + items.getKindCase());
          return;
        }
        if (items.getListValue().getValuesCount() > limits.maxForEachItems()) {
          fail(ctx, sp, null, "forEach.items gave " + items.getListValue().getValuesCount() + " items, more than the limit of "
              + limits.maxForEachItems());
          return;
        }
        StepRow row = new StepRow(key, sp.id(), null, StepStatus.STEP_STATUS_RUNNING, 0, 0, items, "", null, ctx.now, null);
        ctx.insert(row);
        forEach(ctx, sp, row, false);
      }
      case WAIT -> {
        var wait = sp.step().getWait();
        Instant at = wait.hasDuration() ? ctx.now.plus(Times.duration(wait.getDuration())) : Times.instant(wait.getUntil());
        ctx.insert(new StepRow(key, sp.id(), null, StepStatus.STEP_STATUS_WAITING, 0, 0, null, "", null, ctx.now, null));
        dispatch.wake(ctx.run, key, at.isBefore(ctx.now) ? ctx.now : at);
      }
      case WAIT_FOR_EVENT -> {
        var wait = sp.step().getWaitForEvent();
        String match = "";
        if (!wait.getKey().isEmpty()) {
          try {
            Value v = templates.evaluate(wait.getKey(), ctx.variables());
            match = v.hasStringValue() ? v.getStringValue() : Json.print(v);
          } catch (CelException e) {
            fail(ctx, sp, null, "waitForEvent.key: " + e.getMessage());
            return;
          }
        }
        ctx.insert(new StepRow(key, sp.id(), null, StepStatus.STEP_STATUS_WAITING, 0, 0, null, "", null, ctx.now, null));
        runs.insertWait(ctx.run.id(), key, ctx.run.tenantId(), wait.getEvent(), match, ctx.now);
        if (wait.hasTimeout()) {
          dispatch.eventTimeout(ctx.run, key, ctx.now.plus(Times.duration(wait.getTimeout())));
        }
      }
      case SUB_WORKFLOW -> {
        var sub = sp.step().getSubWorkflow();
        Struct input;
        try {
          input = templates.render(sub.getInput(), ctx.variables());
        } catch (CelException e) {
          fail(ctx, sp, null, "subWorkflow.input: " + e.getMessage());
          return;
        }
        UUID child;
        try {
          child = children.start(ctx.run, key, sub.getWorkflowId(), sub.hasVersion() ? sub.getVersion() : null, input);
        } catch (RuntimeException e) {
          fail(ctx, sp, null, "subWorkflow: " + e.getMessage());
          return;
        }
        ctx.insert(new StepRow(key, sp.id(), null, StepStatus.STEP_STATUS_WAITING, 0, 0, null, "", child, ctx.now, null));
      }
      case NONE -> fail(ctx, sp, null, "the step sets nothing to run");
    }
  }

  /** Starts pending items up to the concurrency and completes the step when all are done. */
  private boolean forEach(Ctx ctx, Plan.StepPlan sp, StepRow row, boolean stopping) {
    List<Value> items = row.output() == null ? List.of() : row.output().getListValue().getValuesList();
    int concurrency = Math.max(1, sp.step().getForEach().getConcurrency());
    Map<Integer, StepRow> done = new HashMap<>();
    int activeCount = 0;
    for (int i = 0; i < items.size(); i++) {
      StepRow item = ctx.rows.get(StepRow.itemKey(sp.id(), i));
      if (item == null) {
        continue;
      }
      if (item.terminal()) {
        done.put(i, item);
      } else {
        activeCount++;
      }
    }
    boolean progress = false;
    boolean anyFailed = done.values().stream().anyMatch(i -> i.status() == StepStatus.STEP_STATUS_FAILED);
    if (!stopping && !anyFailed) {
      for (int i = 0; i < items.size() && activeCount < concurrency; i++) {
        String key = StepRow.itemKey(sp.id(), i);
        if (ctx.rows.containsKey(key)) {
          continue;
        }
        int base = ctx.run.retried() ? runs.maxAttempt(ctx.run.id(), key) : 0;
        ctx.insert(new StepRow(key, sp.id(), i, StepStatus.STEP_STATUS_READY, 0, base, null, "", null, null, null));
        ctx.dispatchFirst(sp, key, base + 1);
        activeCount++;
        progress = true;
      }
    }
    if (activeCount > 0) {
      return progress;
    }
    if (done.size() == items.size() && !anyFailed) {
      ListValue.Builder outputs = ListValue.newBuilder();
      for (int i = 0; i < items.size(); i++) {
        Value out = done.get(i).output();
        outputs.addValues(out == null ? Json.nullValue() : out);
      }
      ctx.update(
          new StepRow(row.key(), row.stepId(), null, StepStatus.STEP_STATUS_SUCCEEDED, 0, 0,
              Value.newBuilder().setListValue(outputs).build(), "", null, row.startedAt(), ctx.now));
      return true;
    }
    if (anyFailed) {
      StepRow first = done.entrySet().stream()
          .filter(e -> e.getValue().status() == StepStatus.STEP_STATUS_FAILED)
          .min(Map.Entry.comparingByKey())
          .map(Map.Entry::getValue)
          .orElseThrow();
      fail(ctx, sp, row, "item " + first.itemIndex() + " failed: " + first.error());
    } else {
      ctx.update(new StepRow(row.key(), row.stepId(), null, StepStatus.STEP_STATUS_CANCELLED, 0, 0, null,
          "items not started: the execution is stopping", null, row.startedAt(), ctx.now));
    }
    return true;
  }

  /** Records a step's failure (inserting or updating its row) and applies its onFailure. */
  void fail(Ctx ctx, Plan.StepPlan sp, StepRow existing, String error) {
    StepRow failed =
        existing == null
            ? terminal(sp.id(), null, StepStatus.STEP_STATUS_FAILED, null, error, ctx.now)
            : new StepRow(existing.key(), existing.stepId(), existing.itemIndex(), StepStatus.STEP_STATUS_FAILED,
                existing.attempts(), existing.attemptBase(), null, error, existing.childRunId(),
                existing.startedAt() == null ? ctx.now : existing.startedAt(), ctx.now);
    if (existing == null || !ctx.rows.containsKey(existing.key())) {
      ctx.insert(failed);
    } else {
      ctx.update(failed);
    }
    if (failed.itemIndex() == null && sp.onFailure() == OnFailureMode.ON_FAILURE_MODE_COMPENSATE) {
      Plan.StepPlan compensation = ctx.plan.step(sp.step().getOnFailure().getCompensationStep());
      if (compensation != null && !ctx.rows.containsKey(compensation.id())) {
        start(ctx, compensation);
      }
    }
  }

  private static StepRow terminal(String key, Integer index, StepStatus status, Value output, String error, Instant now) {
    return new StepRow(key, key, index, status, 0, 0, output, error, null, now, now);
  }

  /** Ends the execution when nothing is active: FAILED when a failure fails it, else SUCCEEDED. */
  private void finish(Ctx ctx) {
    Plan.StepPlan failedStep = null;
    StepRow failedRow = null;
    for (Plan.StepPlan sp : ctx.plan.steps().values()) {
      StepRow row = ctx.rows.get(sp.id());
      if (row != null && row.status() == StepStatus.STEP_STATUS_FAILED
          && sp.onFailure() != OnFailureMode.ON_FAILURE_MODE_CONTINUE && !sp.step().getCompensation()) {
        failedStep = sp;
        failedRow = row;
        break;
      }
    }
    if (failedStep != null) {
      for (Plan.StepPlan sp : ctx.plan.steps().values()) {
        if (!ctx.rows.containsKey(sp.id()) && !sp.step().getCompensation()) {
          ctx.insert(terminal(sp.id(), null, StepStatus.STEP_STATUS_CANCELLED, null, "not run: the execution failed", ctx.now));
        }
      }
      end(ctx, ExecutionStatus.EXECUTION_STATUS_FAILED, null, "step " + failedStep.id() + " failed: " + failedRow.error(), true);
      return;
    }
    Struct.Builder output = Struct.newBuilder();
    for (String id : ctx.plan.finalSteps()) {
      StepRow row = ctx.rows.get(id);
      if (row != null && row.status() == StepStatus.STEP_STATUS_SUCCEEDED && row.output() != null) {
        output.putFields(id, row.output());
      }
    }
    end(ctx, ExecutionStatus.EXECUTION_STATUS_SUCCEEDED, Json.of(output.build()), "", true);
  }

  /**
   * Records the end of the execution once, drops its pending work and tells the parent and the
   * listeners. {@code settled}: every step has ended, so the only pending work can be the run's
   * timeout and the timers of wait steps, and the statements for work its plan cannot have are
   * skipped.
   */
  void end(Ctx ctx, ExecutionStatus status, Value output, String error, boolean settled) {
    if (!runs.finish(ctx.run.id(), status, output, error, ctx.now)) {
      return;
    }
    RunRow run = ctx.run;
    ctx.run =
        new RunRow(run.id(), run.tenantId(), run.workflowId(), run.version(), status, run.input(), output, error,
            run.trigger(), run.parentRunId(), run.parentStepKey(), run.principal(), run.idempotencyKey(), run.deadline(),
            run.seq(), run.retried(), run.createdAt(), ctx.now);
    ExecutionEvent.Builder event =
        ExecutionEvent.newBuilder().setType(ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION).setError(error);
    if (output != null) {
      event.setOutput(output);
    }
    ctx.changes.add(event);
    boolean eventWaits = uses(ctx.plan, StepKind.WAIT_FOR_EVENT);
    if (!settled || run.deadline() != null || eventWaits || uses(ctx.plan, StepKind.WAIT)) {
      dispatch.dropPending(run.id());
    }
    if (eventWaits) {
      runs.deleteWaits(run.id());
    }
    if (uses(ctx.plan, StepKind.SUB_WORKFLOW)) {
      for (UUID child : runs.activeChildren(run.id())) {
        dispatch.cancelRun(child);
      }
    }
    if (run.parentRunId() != null) {
      childFinished(ctx.run);
    }
    finished.forEach(l -> l.finished(ctx.run));
  }

  /** Whether the plan has a step of {@code kind} (compensation steps included). */
  private static boolean uses(Plan plan, StepKind kind) {
    for (Plan.StepPlan sp : plan.steps().values()) {
      if (sp.kind() == kind) {
        return true;
      }
    }
    return false;
  }

  /** A sub-workflow execution ended: its parent's step gets the outcome. */
  private void childFinished(RunRow child) {
    RunRow parent = runs.lockRun(child.parentRunId()).orElse(null);
    if (parent == null || !parent.running()) {
      return;
    }
    Ctx ctx = new Ctx(parent);
    StepRow step = ctx.rows.get(child.parentStepKey());
    if (step == null || step.status() != StepStatus.STEP_STATUS_WAITING || !child.id().equals(step.childRunId())) {
      return;
    }
    Plan.StepPlan sp = ctx.plan.step(step.stepId());
    if (child.status() == ExecutionStatus.EXECUTION_STATUS_SUCCEEDED) {
      ctx.update(new StepRow(step.key(), step.stepId(), null, StepStatus.STEP_STATUS_SUCCEEDED, 0, 0, child.output(), "",
          child.id(), step.startedAt(), ctx.now));
    } else {
      fail(ctx, sp, step, "sub-workflow execution " + child.id() + " ended " + RunRow.name(child.status())
          + (child.error().isEmpty() ? "" : ": " + child.error()));
    }
    advance(ctx);
    ctx.flush();
  }

  /** A step's attempt ended; records it and retries or fails the step, then advances. */
  void attemptEnded(Ctx ctx, StepRow step, boolean ok, Value output, String error, boolean retryable) {
    Plan.StepPlan sp = ctx.plan.step(step.stepId());
    if (ok) {
      ctx.update(new StepRow(step.key(), step.stepId(), step.itemIndex(), StepStatus.STEP_STATUS_SUCCEEDED, step.attempts(),
          step.attemptBase(), output, "", null, step.startedAt(), ctx.now));
    } else if (retryable && step.attempts() < sp.maxAttempts()) {
      Duration delay = backoff(sp.step().getRetry(), step.attempts());
      ctx.update(new StepRow(step.key(), step.stepId(), step.itemIndex(), StepStatus.STEP_STATUS_READY, step.attempts(),
          step.attemptBase(), null, error, null, step.startedAt(), null));
      dispatch.attempt(ctx.run, step.key(), step.attemptBase() + step.attempts() + 1, ctx.now.plus(delay));
    } else {
      if (step.itemIndex() != null) {
        ctx.update(new StepRow(step.key(), step.stepId(), step.itemIndex(), StepStatus.STEP_STATUS_FAILED, step.attempts(),
            step.attemptBase(), null, error, null, step.startedAt(), ctx.now));
      } else {
        fail(ctx, sp, step, error);
      }
    }
    advance(ctx);
  }

  /**
   * Delay before retry {@code attempt} (1 = after the first attempt): initial x multiplier^(n-1),
   * capped, then reduced by up to {@code jitter} of itself at random.
   */
  static Duration backoff(RetryPolicy retry, int attempt) {
    double initial = retry.hasInitialBackoff() ? Times.duration(retry.getInitialBackoff()).toMillis() : 1000;
    double max = retry.hasMaxBackoff() ? Times.duration(retry.getMaxBackoff()).toMillis() : 300_000;
    double multiplier = retry.getBackoffMultiplier() == 0 ? 2 : retry.getBackoffMultiplier();
    double delay = Math.min(max, initial * Math.pow(multiplier, Math.max(0, attempt - 1)));
    if (retry.getJitter() > 0) {
      delay = delay * (1 - retry.getJitter() * ThreadLocalRandom.current().nextDouble());
    }
    return Duration.ofMillis((long) delay);
  }
}
