package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.OnStartup;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.nerve.api.automation.v1.ExecutionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The db-scheduler task types of the engine. They are created before the scheduler (which needs
 * them) and delegate to the handlers registered once the rest of the engine is built.
 */
public final class EngineTasks {

  /** Fires a scheduled task's occurrence (the task feature). */
  public interface TaskFireHandler {
    CompletionHandler<Void> fire(TaskInstance<Void> instance, ExecutionContext context);
  }

  private final AtomicReference<StepWorker> worker = new AtomicReference<>();
  private final AtomicReference<Engine> engine = new AtomicReference<>();
  private final AtomicReference<TaskFireHandler> fire = new AtomicReference<>();
  private final AtomicReference<Maintenance> maintenance = new AtomicReference<>();
  private final List<Task<?>> tasks;
  private final Task<Void> purge;

  EngineTasks(Duration purgeInterval) {
    Task<String> step =
        Tasks.custom(TaskNames.STEP, String.class)
            .onFailure((complete, ops) -> ops.reschedule(complete, Instant.now().plusSeconds(1)))
            .onDeadExecution((complete, ops) -> worker.get().dead(complete, ops))
            .execute((instance, context) -> worker.get().execute(instance, context));
    Task<Void> timeout =
        Tasks.oneTime(TaskNames.RUN_TIMEOUT)
            .onFailureRetryLater()
            .execute(
                (instance, context) ->
                    engine.get().stop(null, UUID.fromString(instance.getId()), ExecutionStatus.EXECUTION_STATUS_TIMED_OUT,
                        "the execution did not finish within the workflow's timeout"));
    Task<Void> cancel =
        Tasks.oneTime(TaskNames.RUN_CANCEL)
            .onFailureRetryLater()
            .execute(
                (instance, context) ->
                    engine.get().stop(null, UUID.fromString(instance.getId()), ExecutionStatus.EXECUTION_STATUS_CANCELLED,
                        "its parent execution ended"));
    Task<Void> fireTask =
        Tasks.custom(TaskNames.TASK_FIRE, Void.class)
            .onFailure((complete, ops) -> ops.reschedule(complete, Instant.now().plusSeconds(5)))
            .execute((instance, context) -> fire.get().fire(instance, context));
    this.purge =
        Tasks.recurring(TaskNames.MAINTENANCE, FixedDelay.of(purgeInterval))
            .execute((instance, context) -> maintenance.get().purge());
    this.tasks = List.of(step, timeout, cancel, fireTask);
  }

  List<Task<?>> tasks() {
    return tasks;
  }

  @SuppressWarnings("unchecked")
  <T extends Task<?> & OnStartup> T recurring() {
    return (T) purge;
  }

  void bind(StepWorker worker, Engine engine, Maintenance maintenance) {
    this.worker.set(worker);
    this.engine.set(engine);
    this.maintenance.set(maintenance);
  }

  /** Registers the handler of task occurrences; the scheduler starts only after it is set. */
  public void onTaskFire(TaskFireHandler handler) {
    fire.set(handler);
  }

  boolean ready() {
    return worker.get() != null && engine.get() != null && fire.get() != null && maintenance.get() != null;
  }
}
