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
  /** Whether this thread scheduled due work since its last nudge (a poll for nothing is a commit too). */
  private final ThreadLocal<boolean[]> due = ThreadLocal.withInitial(() -> new boolean[1]);

  public Dispatch(SchedulerClient client, JdbcClient jdbc) {
    this.client = client;
    this.jdbc = jdbc;
  }

  /** Called after a commit that scheduled due work, to wake this replica's poller. */
  void nudgeWith(Runnable nudge) {
    this.nudge = nudge;
  }

  /**
   * After a transaction of the engine: wakes the poller if it scheduled due work (always inside an
   * enclosing transaction, which may have scheduled some before).
   */
  void nudge() {
    boolean[] flag = due.get();
    if (org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
      nudge.run();
    } else if (flag[0]) {
      flag[0] = false;
      nudge.run();
    }
  }

  private void due(Instant at) {
    if (!at.isAfter(Instant.now())) {
      due.get()[0] = true;
    }
  }

  /**
   * The id of a step attempt, {@code <run>/<step key>/<attempt>}: the instance of its db-scheduler
   * execution and the idempotency key its action gets.
   */
  static String attemptId(UUID runId, String key, int attempt) {
    return runId + "/" + key + "/" + attempt;
  }

  /** Schedules a step attempt; the execution carries the plan key so the worker needs no lookup. */
  void attempt(RunRow run, String key, int attempt, Instant at) {
    step(run, attemptId(run.id(), key, attempt), at);
  }

  void wake(RunRow run, String key, Instant at) {
    step(run, run.id() + "/" + key + "/wake", at);
  }

  void eventTimeout(RunRow run, String key, Instant at) {
    step(run, run.id() + "/" + key + "/timeout", at);
  }

  /**
   * One INSERT into db-scheduler's table, as its own client would write it (unpicked, version 1,
   * the plan key as the text data {@link TextSerializer} reads), in the caller's transaction.
   */
  private void step(RunRow run, String id, Instant at) {
    due(at);
    jdbc.sql(
            "INSERT INTO automation.scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version,"
                + " priority) VALUES (?, ?, ?, ?, false, 1, 0) ON CONFLICT DO NOTHING")
        .params(TaskNames.STEP, id, TextSerializer.bytes(run.planKey()), dev.nerve.automation.support.Times.sql(at))
        .update();
  }

  /**
   * Inserts, in the caller's transaction, a step attempt's execution already held by this
   * replica's {@code worker} (picked, its last heartbeat {@code now}, version 1, the plan key as
   * data like {@link #attempt}), for the first step of an execution started here and run here
   * without a claim. If this replica dies, it is revived like any execution a worker picked.
   */
  void attemptHeld(RunRow run, String instance, String worker, Instant now) {
    insertHeld(instance, run.planKey(), 1L, worker, now);
  }

  /**
   * Puts a step execution this worker holds back in the queue at {@code at} (a new version, as
   * db-scheduler's own reschedule after a failure), unless it is no longer held so.
   */
  void putBack(String instance, long version, String worker, Instant at) {
    jdbc.sql(
            "UPDATE automation.scheduled_tasks SET picked = false, picked_by = NULL, last_heartbeat = NULL,"
                + " execution_time = ?, consecutive_failures = coalesce(consecutive_failures, 0) + 1, version = version + 1"
                + " WHERE task_name = ? AND task_instance = ? AND version = ? AND picked_by = ?")
        .params(dev.nerve.automation.support.Times.sql(at), TaskNames.STEP, instance, version, worker)
        .update();
  }

  /**
   * Writes back, in the caller's transaction, the execution a worker holds (after the fence
   * deleted it) so that it keeps holding it for the attempt it runs next: picked by the same
   * scheduler, the same version (its heartbeats go on matching), the data naming the attempt's
   * step after the plan key and a record separator (U+001E).
   */
  void keepHeld(String instance, long version, String worker, String planKey, String stepKey, Instant now) {
    insertHeld(instance, new HeldStep(planKey, stepKey).data(), version, worker, now);
  }

  /** One INSERT of a step execution picked by {@code worker}, its last heartbeat {@code now}. */
  private void insertHeld(String instance, String data, long version, String worker, Instant now) {
    jdbc.sql(
            "INSERT INTO automation.scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by,"
                + " last_heartbeat, version, priority) VALUES (?, ?, ?, ?, true, ?, ?, ?, 0)")
        .params(TaskNames.STEP, instance, TextSerializer.bytes(data), dev.nerve.automation.support.Times.sql(now), worker,
            dev.nerve.automation.support.Times.sql(now), version)
        .update();
  }

  /**
   * The data of an execution a worker kept for a later step of its run: the plan key and the step
   * key, apart from the key its instance id names.
   */
  record HeldStep(String planKey, String stepKey) {

    /** Separates the plan key from the step key. */
    private static final String SEPARATOR = "\u001e";

    /** The held step in an execution's data, or empty for an ordinary step execution. */
    static java.util.Optional<HeldStep> in(Object data) {
      if (!(data instanceof String text)) {
        return java.util.Optional.empty();
      }
      int at = text.indexOf(SEPARATOR);
      return at < 0
          ? java.util.Optional.empty()
          : java.util.Optional.of(new HeldStep(text.substring(0, at), text.substring(at + SEPARATOR.length())));
    }

    String data() {
      return planKey + SEPARATOR + stepKey;
    }
  }

  void runTimeout(UUID runId, Instant at) {
    jdbc.sql("DELETE FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(TaskNames.RUN_TIMEOUT, runId.toString())
        .update();
    due(at);
    client.scheduleIfNotExists(new TaskInstance<Void>(TaskNames.RUN_TIMEOUT, runId.toString()), at);
  }

  void cancelRun(UUID runId) {
    Instant now = Instant.now();
    due(now);
    client.scheduleIfNotExists(new TaskInstance<Void>(TaskNames.RUN_CANCEL, runId.toString()), now);
  }

  /** Schedules the next occurrence of a task, replacing any not yet picked. */
  public void taskOccurrence(String tenantId, String taskId, Instant at) {
    String id = tenantId + "/" + taskId;
    jdbc.sql("DELETE FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ? AND NOT picked")
        .params(TaskNames.TASK_FIRE, id)
        .update();
    due(at);
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

  /** Due step work no worker has picked yet, across the cluster. */
  long queued() {
    return jdbc.sql(
            "SELECT count(*) FROM automation.scheduled_tasks WHERE task_name = ? AND NOT picked AND execution_time <= now()")
        .param(TaskNames.STEP)
        .query(Long.class)
        .single();
  }
}
