package dev.nerve.automation.task;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.CronSchedule;
import dev.nerve.api.automation.v1.MisfirePolicy;
import dev.nerve.api.automation.v1.OverlapPolicy;
import dev.nerve.api.automation.v1.Task;
import dev.nerve.api.automation.v1.TaskRun;
import dev.nerve.api.automation.v1.TaskStatus;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A scheduled task as stored ({@code automation.task}).
 *
 * @param id task id
 * @param name human name
 * @param actionId action it runs, or null
 * @param workflowId workflow it runs, or null
 * @param input parameters or workflow input
 * @param runAt one-off time, or null
 * @param cron cron expression, or null
 * @param timeZone zone of the cron expression
 * @param interval fixed interval, or null
 * @param maxAttempts attempts per run of an action task
 * @param misfire misfire policy
 * @param overlap overlap policy
 * @param endAt end of the schedule, or null
 * @param maxRuns runs after which it completes (0: unlimited)
 * @param runCount runs so far
 * @param status state
 * @param nextRunAt next occurrence, or null
 * @param lastRun latest run, or null
 * @param activeRunId execution in progress, or null
 * @param queuedFor occurrence waiting for the active run (QUEUE_ONE), or null
 * @param lastFiredFor latest occurrence handled, or null
 * @param owner on whose behalf it runs
 * @param createdAt when it was scheduled
 * @param cancelledAt when it was cancelled, or null
 */
public record TaskRow(
    String id,
    String name,
    String actionId,
    String workflowId,
    Struct input,
    Instant runAt,
    String cron,
    String timeZone,
    Duration interval,
    int maxAttempts,
    MisfirePolicy misfire,
    OverlapPolicy overlap,
    Instant endAt,
    int maxRuns,
    int runCount,
    TaskStatus status,
    Instant nextRunAt,
    TaskRun lastRun,
    UUID activeRunId,
    Instant queuedFor,
    Instant lastFiredFor,
    Principal owner,
    Instant createdAt,
    Instant cancelledAt) {

  /** The contract's view; {@code running} says whether its execution is still in progress. */
  Task proto(boolean running) {
    Task.Builder task =
        Task.newBuilder()
            .setId(id)
            .setName(name)
            .setInput(input)
            .setMaxAttempts(maxAttempts)
            .setMisfirePolicy(misfire)
            .setOverlapPolicy(overlap)
            .setMaxRuns(maxRuns)
            .setRunCount(runCount)
            .setStatus(running && status == TaskStatus.TASK_STATUS_SCHEDULED ? TaskStatus.TASK_STATUS_RUNNING : status)
            .setCreatedAt(Times.proto(createdAt));
    if (actionId != null) {
      task.setActionId(actionId);
    } else {
      task.setWorkflowId(workflowId);
    }
    if (runAt != null) {
      task.setRunAt(Times.proto(runAt));
    } else if (cron != null) {
      task.setCron(CronSchedule.newBuilder().setExpression(cron).setTimeZone(timeZone == null ? "" : timeZone));
    } else if (interval != null) {
      task.setInterval(Times.proto(interval));
    }
    if (endAt != null) {
      task.setEndAt(Times.proto(endAt));
    }
    if (nextRunAt != null) {
      task.setNextRunAt(Times.proto(nextRunAt));
    }
    if (lastRun != null) {
      task.setLastRun(lastRun);
    }
    if (cancelledAt != null) {
      task.setCancelledAt(Times.proto(cancelledAt));
    }
    return task.build();
  }

  /** The same task with new mutable state. */
  TaskRow with(
      TaskStatus status,
      Instant nextRunAt,
      TaskRun lastRun,
      UUID activeRunId,
      Instant queuedFor,
      Instant lastFiredFor,
      int runCount,
      Instant cancelledAt) {
    return new TaskRow(id, name, actionId, workflowId, input, runAt, cron, timeZone, interval, maxAttempts, misfire, overlap,
        endAt, maxRuns, runCount, status, nextRunAt, lastRun, activeRunId, queuedFor, lastFiredFor, owner, createdAt,
        cancelledAt);
  }

  static String name(Enum<?> value, String prefix) {
    return value.name().substring(prefix.length());
  }
}
