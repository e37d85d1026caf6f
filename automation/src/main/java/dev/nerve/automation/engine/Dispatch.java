package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Puts engine work into db-scheduler's table (step attempts, timers, timeouts, cancellations).
 * The client runs on a transaction-aware data source, so work scheduled inside a transaction
 * becomes visible to workers exactly when that transaction commits, and never without it.
 */
public final class Dispatch {

  private final SchedulerClient client;
  private final JdbcClient jdbc;
  private volatile Runnable nudge = () -> {};

  public Dispatch(SchedulerClient client, JdbcClient jdbc) {
    this.client = client;
    this.jdbc = jdbc;
  }

  /** Called after a commit that scheduled due work, to wake this replica's poller. */
  void nudgeWith(Runnable nudge) {
    this.nudge = nudge;
  }

  void nudge() {
    nudge.run();
  }

  void attempt(UUID runId, String key, int attempt, Instant at) {
    step(runId + "/" + key + "/" + attempt, at);
  }

  void wake(UUID runId, String key, Instant at) {
    step(runId + "/" + key + "/wake", at);
  }

  void eventTimeout(UUID runId, String key, Instant at) {
    step(runId + "/" + key + "/timeout", at);
  }

  private void step(String id, Instant at) {
    client.scheduleIfNotExists(new TaskInstance<Void>(TaskNames.STEP, id), at);
  }

  void runTimeout(UUID runId, Instant at) {
    jdbc.sql("DELETE FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(TaskNames.RUN_TIMEOUT, runId.toString())
        .update();
    client.scheduleIfNotExists(new TaskInstance<Void>(TaskNames.RUN_TIMEOUT, runId.toString()), at);
  }

  void cancelRun(UUID runId) {
    client.scheduleIfNotExists(new TaskInstance<Void>(TaskNames.RUN_CANCEL, runId.toString()), Instant.now());
  }

  /** Schedules the next occurrence of a task, replacing any not yet picked. */
  public void taskOccurrence(String tenantId, String taskId, Instant at) {
    String id = tenantId + "/" + taskId;
    jdbc.sql("DELETE FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(TaskNames.TASK_FIRE, id)
        .update();
    client.scheduleIfNotExists(new TaskInstance<Void>(TaskNames.TASK_FIRE, id), at);
  }

  /** Drops a task's occurrence that is not being fired. */
  public void dropTaskOccurrence(String tenantId, String taskId) {
    jdbc.sql("DELETE FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(TaskNames.TASK_FIRE, tenantId + "/" + taskId)
        .update();
  }

  /** Drops the run's work that no worker has picked yet (steps, timers, timeout). */
  void dropPending(UUID runId) {
    jdbc.sql(
            "DELETE FROM automation.scheduled_tasks WHERE ((task_name = ? AND task_instance LIKE ?)"
                + " OR (task_name = ? AND task_instance = ?)) AND NOT picked")
        .params(TaskNames.STEP, runId + "/%", TaskNames.RUN_TIMEOUT, runId.toString())
        .update();
  }

  /**
   * Removes a picked step execution if this worker still holds it (its version), in the caller's
   * transaction: the fence that keeps a worker that lost its lease from recording a result.
   */
  boolean release(String instance, long version) {
    return jdbc.sql("DELETE FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ? AND version = ?")
            .params(TaskNames.STEP, instance, version)
            .update()
        == 1;
  }

  /** Due step work no worker has picked yet, across the cluster. */
  long queued() {
    return jdbc.sql(
            "SELECT count(*) FROM automation.scheduled_tasks WHERE task_name = ? AND NOT picked AND execution_time <= now()")
        .param(TaskNames.STEP)
        .query(Long.class)
        .single();
  }
}
