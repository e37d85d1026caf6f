package dev.nerve.automation.task;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.nerve.api.automation.v1.MisfirePolicy;
import dev.nerve.api.automation.v1.OverlapPolicy;
import dev.nerve.api.automation.v1.RunStatus;
import dev.nerve.api.automation.v1.TaskRun;
import dev.nerve.api.automation.v1.TaskStatus;
import dev.nerve.automation.action.ActionDefinition;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires one occurrence of a task (the db-scheduler execution of {@code <tenant>/<task>} at the
 * occurrence's time), applying the misfire policy (an occurrence later than the threshold is
 * missed: SKIP drops it, RUN_ONCE runs once now), the overlap policy against the run still in
 * progress, the end date and the run limit, then computes the next occurrence. Handling is keyed by
 * the occurrence's time: a re-delivered occurrence (a replica died after handling it) is not
 * handled again.
 */
final class TaskFirer {

  private static final Logger log = LoggerFactory.getLogger(TaskFirer.class);

  private final Tasks tasks;

  TaskFirer(Tasks tasks) {
    this.tasks = tasks;
  }

  private record Decision(Instant next, TaskRow actionTask, Instant occurrence) {}

  CompletionHandler<Void> fire(TaskInstance<Void> instance, ExecutionContext context) {
    String[] parts = instance.getId().split("/", 2);
    String tenant = parts[0];
    String id = parts[1];
    Instant occurrence = context.getExecution().executionTime;
    Decision decision = tasks.tx().execute(status -> decide(tenant, id, occurrence));
    if (decision == null) {
      return (complete, ops) -> ops.remove();
    }
    if (decision.actionTask() != null) {
      runAction(tenant, decision.actionTask(), decision.occurrence());
    }
    Instant next = decision.next();
    return next == null ? (complete, ops) -> ops.remove() : (complete, ops) -> ops.reschedule(complete, next);
  }

  private Decision decide(String tenant, String id, Instant occurrence) {
    TaskRepository repository = tasks.repository();
    TaskRow task = repository.find(tenant, id, true).orElse(null);
    if (task == null || (task.status() != TaskStatus.TASK_STATUS_SCHEDULED && task.status() != TaskStatus.TASK_STATUS_RUNNING)) {
      return null;
    }
    if (task.lastFiredFor() != null && !occurrence.isAfter(task.lastFiredFor())) {
      return new Decision(task.nextRunAt(), null, null);
    }
    Instant now = tasks.now();
    if ((task.endAt() != null && !occurrence.isBefore(task.endAt()))
        || (task.maxRuns() > 0 && task.runCount() >= task.maxRuns())) {
      repository.update(tenant, task.with(TaskStatus.TASK_STATUS_COMPLETED, null, task.lastRun(), task.activeRunId(), null,
          occurrence, task.runCount(), null));
      return null;
    }
    boolean missed = Duration.between(occurrence, now).compareTo(tasks.properties().tasks().misfireThreshold()) > 0;
    boolean run = !(missed && task.misfire() == MisfirePolicy.MISFIRE_POLICY_SKIP);
    TaskRun last = task.lastRun();
    UUID active = task.activeRunId();
    Instant queued = task.queuedFor();
    int count = task.runCount();
    TaskRow actionTask = null;
    if (run) {
      if (task.workflowId() != null) {
        boolean busy = active != null && !repository.runFinished(active);
        if (busy && task.overlap() == OverlapPolicy.OVERLAP_POLICY_SKIP) {
          last = skipped(occurrence, now);
        } else if (busy && task.overlap() == OverlapPolicy.OVERLAP_POLICY_QUEUE_ONE) {
          if (queued == null) {
            queued = occurrence;
          } else {
            last = skipped(occurrence, now);
          }
        } else {
          UUID started = tasks.startRun(task, occurrence);
          active = started;
          count++;
          last = TaskRun.newBuilder().setStartedAt(Times.proto(now)).setStatus(RunStatus.RUN_STATUS_RUNNING).setAttempts(1)
              .setExecutionId(started.toString()).setScheduledFor(Times.proto(occurrence)).build();
        }
      } else {
        count++;
        last = TaskRun.newBuilder().setStartedAt(Times.proto(now)).setStatus(RunStatus.RUN_STATUS_RUNNING)
            .setScheduledFor(Times.proto(occurrence)).build();
        actionTask = task;
      }
    }
    Instant next = next(task, occurrence, missed ? now : occurrence);
    if (next != null && task.maxRuns() > 0 && count >= task.maxRuns()) {
      next = null;
    }
    if (next != null && task.endAt() != null && !next.isBefore(task.endAt())) {
      next = null;
    }
    TaskStatus status = next == null && actionTask == null ? TaskStatus.TASK_STATUS_COMPLETED : TaskStatus.TASK_STATUS_SCHEDULED;
    repository.update(tenant, task.with(status, next, last, active, queued, occurrence, count, null));
    return new Decision(next, actionTask, occurrence);
  }

  private static TaskRun skipped(Instant occurrence, Instant now) {
    return TaskRun.newBuilder().setStartedAt(Times.proto(now)).setFinishedAt(Times.proto(now))
        .setStatus(RunStatus.RUN_STATUS_SKIPPED).setScheduledFor(Times.proto(occurrence))
        .setError("the previous run was still in progress").build();
  }

  /** The occurrence after {@code occurrence}, no earlier than after {@code from}; null when none. */
  static Instant next(TaskRow task, Instant occurrence, Instant from) {
    if (task.runAt() != null) {
      return null;
    }
    if (task.cron() != null) {
      return Occurrences.cron(task.cron(), task.timeZone()).next(from);
    }
    Instant next = occurrence.plus(task.interval());
    if (!next.isAfter(from)) {
      long behind = Duration.between(occurrence, from).toMillis() / task.interval().toMillis() + 1;
      next = occurrence.plus(task.interval().multipliedBy(behind));
    }
    return next;
  }

  /** Runs an action task's occurrence (retrying up to its attempts) and records the outcome. */
  private void runAction(String tenant, TaskRow task, Instant occurrence) {
    ActionRunner runner = tasks.runner();
    ActionDefinition action = runner.registry().find(task.owner(), task.actionId()).orElse(null);
    ActionRunner.Outcome outcome = null;
    int attempts = 0;
    String error = "action " + task.actionId() + " does not exist (any more)";
    if (action != null) {
      for (attempts = 1; attempts <= task.maxAttempts(); attempts++) {
        try {
          var params = runner.prepare(action, task.input(), "input");
          outcome = runner.run(action, task.owner(), params, "task:" + task.id() + ":" + occurrence.toEpochMilli() + ":" + attempts,
              runner.timeout(action, null));
        } catch (RuntimeException e) {
          error = e.getMessage();
          break;
        }
        if (outcome.ok() || !outcome.retryable()) {
          break;
        }
      }
      attempts = Math.min(attempts, task.maxAttempts());
      if (outcome != null) {
        error = outcome.error();
      }
    }
    boolean ok = outcome != null && outcome.ok();
    int made = attempts;
    String why = error;
    tasks.tx().executeWithoutResult(
        status -> {
          TaskRow current = tasks.repository().find(tenant, task.id(), true).orElse(null);
          if (current == null) {
            return;
          }
          TaskRun last = TaskRun.newBuilder(current.lastRun() == null ? TaskRun.getDefaultInstance() : current.lastRun())
              .setStatus(ok ? RunStatus.RUN_STATUS_SUCCEEDED : RunStatus.RUN_STATUS_FAILED)
              .setAttempts(made).setError(ok ? "" : why).setFinishedAt(Times.proto(tasks.now())).build();
          TaskStatus taskStatus = current.status();
          if (current.nextRunAt() == null && taskStatus == TaskStatus.TASK_STATUS_SCHEDULED) {
            taskStatus = ok ? TaskStatus.TASK_STATUS_COMPLETED : TaskStatus.TASK_STATUS_FAILED;
          }
          tasks.repository().update(tenant, current.with(taskStatus, current.nextRunAt(), last, current.activeRunId(),
              current.queuedFor(), current.lastFiredFor(), current.runCount(), current.cancelledAt()));
        });
    if (!ok) {
      log.info("task {} ({}) failed: {}", task.id(), task.actionId(), why);
    }
  }
}
