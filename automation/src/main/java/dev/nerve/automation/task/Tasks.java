package dev.nerve.automation.task;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.CronTrigger;
import dev.nerve.api.automation.v1.MisfirePolicy;
import dev.nerve.api.automation.v1.OverlapPolicy;
import dev.nerve.api.automation.v1.RunStatus;
import dev.nerve.api.automation.v1.Task;
import dev.nerve.api.automation.v1.TaskRun;
import dev.nerve.api.automation.v1.TaskStatus;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.action.ActionDefinition;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.engine.Dispatch;
import dev.nerve.automation.engine.Engine;
import dev.nerve.automation.engine.RunRow;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Workflows;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code automation.tasks}: schedules actions and workflows once, on a cron schedule in a time
 * zone, or at a fixed interval, with misfire and overlap policies, an end date and a run limit.
 * Each task has one pending db-scheduler execution at its next occurrence; firing it is
 * cluster-safe (one replica at a time) and an occurrence is handled once (its time is recorded
 * with the run it starts, and workflow runs are keyed by it).
 */
public final class Tasks {

  /** Id prefix of the task that fires a workflow's cron trigger. */
  static final String TRIGGER_PREFIX = "trigger:";

  private final TaskRepository repository;
  private final Workflows workflows;
  private final ActionRunner runner;
  private final Engine engine;
  private final Dispatch dispatch;
  private final TransactionTemplate tx;
  private final AutomationProperties properties;
  private final Clock clock;

  Tasks(
      TaskRepository repository,
      Workflows workflows,
      ActionRunner runner,
      Engine engine,
      Dispatch dispatch,
      TransactionTemplate tx,
      AutomationProperties properties,
      Clock clock) {
    this.repository = repository;
    this.workflows = workflows;
    this.runner = runner;
    this.engine = engine;
    this.dispatch = dispatch;
    this.tx = tx;
    this.properties = properties;
    this.clock = clock;
  }

  /** Now on the scheduling clock, truncated to what PostgreSQL stores (microseconds). */
  Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  TaskRepository repository() {
    return repository;
  }

  /** spec: automation.tasks.schedule(task) -> string. */
  public Task schedule(Principal caller, Task task, String requestId) {
    if (!requestId.isEmpty()) {
      var existing = repository.byRequest(caller.tenantId(), requestId);
      if (existing.isPresent()) {
        return view(existing.get());
      }
    }
    List<FieldViolation> v = new ArrayList<>();
    Inputs.text("task.name", task.getName(), 200);
    Inputs.payload("task.input", task.getInput(), properties.limits().maxPayloadBytes());
    Instant now = now();
    String actionId = null;
    String workflowId = null;
    switch (task.getTargetCase()) {
      case ACTION_ID -> {
        actionId = task.getActionId();
        ActionDefinition action = runner.registry().find(caller, actionId).orElse(null);
        if (action == null) {
          v.add(new FieldViolation("task.actionId", "known", "names no action of this tenant"));
        } else {
          runner.prepare(action, task.getInput(), "task.input");
        }
      }
      case WORKFLOW_ID -> {
        workflowId = task.getWorkflowId();
        try {
          workflows.current(caller.tenantId(), workflowId);
        } catch (NerveException e) {
          v.add(new FieldViolation("task.workflowId", "known", "names no workflow of this tenant"));
        }
      }
      case TARGET_NOT_SET -> v.add(new FieldViolation("task", "oneOf", "must set actionId or workflowId"));
    }
    Instant runAt = null;
    String cron = null;
    String zone = null;
    Duration interval = null;
    Instant first = null;
    switch (task.getScheduleCase()) {
      case RUN_AT -> {
        runAt = Times.instant(task.getRunAt());
        if (runAt.isBefore(now.minusSeconds(1))) {
          v.add(new FieldViolation("task.runAt", "future", "must not be in the past"));
        }
        first = runAt.isBefore(now) ? now : runAt;
      }
      case CRON -> {
        cron = task.getCron().getExpression();
        zone = task.getCron().getTimeZone();
        try {
          first = Occurrences.cron(cron, zone).next(now);
          if (first == null) {
            v.add(new FieldViolation("task.cron.expression", "cron", "never fires"));
          }
        } catch (IllegalArgumentException e) {
          v.add(new FieldViolation("task.cron.expression", "cron", e.getMessage()));
        }
      }
      case INTERVAL -> {
        interval = Times.duration(task.getInterval());
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
          v.add(new FieldViolation("task.interval", "range", "must be at least 1 second"));
        }
        first = now.plus(interval);
      }
      case SCHEDULE_NOT_SET -> v.add(new FieldViolation("task", "oneOf", "must set runAt, cron or interval"));
    }
    if (task.getMaxAttempts() < 0 || task.getMaxAttempts() > 10) {
      v.add(new FieldViolation("task.maxAttempts", "range", "must be between 0 and 10"));
    }
    if (task.getMaxRuns() < 0) {
      v.add(new FieldViolation("task.maxRuns", "range", "must not be negative"));
    }
    Instant endAt = task.hasEndAt() ? Times.instant(task.getEndAt()) : null;
    if (endAt != null && first != null && !first.isBefore(endAt)) {
      v.add(new FieldViolation("task.endAt", "range", "is not after the first occurrence " + first));
    }
    if (!v.isEmpty()) {
      throw NerveException.invalid(v);
    }
    MisfirePolicy misfire =
        task.getMisfirePolicy() == MisfirePolicy.MISFIRE_POLICY_UNSPECIFIED ? MisfirePolicy.MISFIRE_POLICY_RUN_ONCE : task.getMisfirePolicy();
    OverlapPolicy overlap =
        task.getOverlapPolicy() == OverlapPolicy.OVERLAP_POLICY_UNSPECIFIED ? OverlapPolicy.OVERLAP_POLICY_SKIP : task.getOverlapPolicy();
    TaskRow row =
        new TaskRow(UUID.randomUUID().toString(), task.getName(), actionId, workflowId, task.getInput(), runAt, cron, zone,
            interval, Math.max(1, task.getMaxAttempts()), misfire, overlap, endAt, task.getMaxRuns(), 0,
            TaskStatus.TASK_STATUS_SCHEDULED, first, null, null, null, null, caller, now, null);
    Instant at = first;
    return tx.execute(
        status -> {
          if (!repository.insert(caller.tenantId(), row, requestId)) {
            return view(repository.byRequest(caller.tenantId(), requestId).orElseThrow());
          }
          dispatch.taskOccurrence(caller.tenantId(), row.id(), at);
          return view(row);
        });
  }

  /** spec: automation.tasks.cancel(taskId). */
  public TaskRow cancel(Principal caller, String id) {
    Inputs.required("id", id);
    return tx.execute(
        status -> {
          TaskRow task = repository.find(caller.tenantId(), id, true).orElseThrow(() -> NerveException.notFound("task", id));
          if (task.status() == TaskStatus.TASK_STATUS_CANCELLED) {
            return task;
          }
          if (task.status() == TaskStatus.TASK_STATUS_COMPLETED || task.status() == TaskStatus.TASK_STATUS_FAILED) {
            throw new NerveException(ErrorCode.FAILED_PRECONDITION, "task '" + id + "' has already " + TaskRow.name(task.status(), "TASK_STATUS_").toLowerCase());
          }
          TaskRow cancelled =
              task.with(TaskStatus.TASK_STATUS_CANCELLED, null, task.lastRun(), task.activeRunId(), null, task.lastFiredFor(),
                  task.runCount(), now());
          repository.update(caller.tenantId(), cancelled);
          dispatch.dropTaskOccurrence(caller.tenantId(), id);
          return cancelled;
        });
  }

  public Task get(Principal caller, String id) {
    Inputs.required("id", id);
    return view(repository.find(caller.tenantId(), id, false).orElseThrow(() -> NerveException.notFound("task", id)));
  }

  public List<Task> list(Principal caller, TaskStatus status, Instant afterNext, String afterId, boolean afterNull, int limit) {
    return repository.list(caller.tenantId(), status, afterNext, afterId, afterNull, limit).stream().map(this::view).toList();
  }

  Task view(TaskRow row) {
    boolean running = row.activeRunId() != null && !repository.runFinished(row.activeRunId());
    return row.proto(running);
  }

  /** Keeps the task of a workflow's cron trigger in step with its current version (in the caller's transaction). */
  void cronTrigger(Principal owner, String workflowId, CronTrigger cron) {
    String id = TRIGGER_PREFIX + workflowId;
    if (cron == null) {
      repository.find(owner.tenantId(), id, true).ifPresent(
          task -> {
            if (task.status() != TaskStatus.TASK_STATUS_CANCELLED) {
              repository.update(owner.tenantId(), task.with(TaskStatus.TASK_STATUS_CANCELLED, null, task.lastRun(),
                  task.activeRunId(), null, task.lastFiredFor(), task.runCount(), now()));
            }
            dispatch.dropTaskOccurrence(owner.tenantId(), id);
          });
      return;
    }
    Instant now = now();
    Instant first = Occurrences.cron(cron.getExpression(), cron.getTimeZone()).next(now);
    TaskRow row =
        new TaskRow(id, "cron trigger of " + workflowId, null, workflowId, Struct.getDefaultInstance(), null,
            cron.getExpression(), cron.getTimeZone(), null, 1, MisfirePolicy.MISFIRE_POLICY_RUN_ONCE,
            OverlapPolicy.OVERLAP_POLICY_ALLOW, null, 0, 0, TaskStatus.TASK_STATUS_SCHEDULED, first, null, null, null, null,
            owner, now, null);
    repository.upsertTrigger(owner.tenantId(), row);
    if (first != null) {
      dispatch.taskOccurrence(owner.tenantId(), id, first);
    }
  }

  boolean scheduledByTask(String tenantId, String workflowId) {
    return repository.activeForWorkflow(tenantId, workflowId, TRIGGER_PREFIX + workflowId);
  }

  /** An execution ended: a workflow task records it and starts its queued occurrence (QUEUE_ONE). */
  void runFinished(RunRow run) {
    if (!run.trigger().startsWith("task:")) {
      return;
    }
    String id = run.trigger().substring("task:".length());
    TaskRow task = repository.find(run.tenantId(), id, true).orElse(null);
    if (task == null || !run.id().equals(task.activeRunId())) {
      return;
    }
    TaskRun last =
        (task.lastRun() == null ? TaskRun.newBuilder() : task.lastRun().toBuilder())
            .setStatus(run.status() == dev.nerve.api.automation.v1.ExecutionStatus.EXECUTION_STATUS_SUCCEEDED
                ? RunStatus.RUN_STATUS_SUCCEEDED : RunStatus.RUN_STATUS_FAILED)
            .setError(run.error())
            .setFinishedAt(Times.proto(run.finishedAt()))
            .build();
    UUID active = null;
    Instant queued = task.queuedFor();
    int count = task.runCount();
    if (queued != null && task.status() != TaskStatus.TASK_STATUS_CANCELLED
        && (task.maxRuns() == 0 || task.runCount() < task.maxRuns())) {
      active = startRun(task, queued);
      last = TaskRun.newBuilder().setStartedAt(Times.proto(now())).setStatus(RunStatus.RUN_STATUS_RUNNING)
          .setAttempts(1).setExecutionId(active.toString()).setScheduledFor(Times.proto(queued)).build();
      count++;
    }
    queued = null;
    repository.update(run.tenantId(), task.with(task.status(), task.nextRunAt(), last, active, queued, task.lastFiredFor(),
        count, task.cancelledAt()));
  }

  UUID startRun(TaskRow task, Instant occurrence) {
    return engine.start(new Engine.Start(task.owner(), task.workflowId(), null, task.input(), "task:" + task.id(),
        "task:" + task.id() + ":" + occurrence.toEpochMilli()));
  }

  ActionRunner runner() {
    return runner;
  }

  TransactionTemplate tx() {
    return tx;
  }

  AutomationProperties properties() {
    return properties;
  }
}
