package dev.nerve.learning.support;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.nerve.learning.LearningProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Durable background work of the learning target on db-scheduler, in {@code
 * learning.scheduled_tasks}: a job is scheduled in the caller's transaction (so it exists exactly
 * when the row describing it does), claimed by any replica with {@code FOR UPDATE SKIP LOCKED},
 * kept alive by heartbeats, and revived on another replica when its replica stops heartbeating
 * (a crash or a kill). The scheduler is private to this target: it is not a Spring bean, so it
 * never picks up, or is replaced by, another module's tasks.
 */
public final class BackgroundJobs implements SmartLifecycle {

  private final SchedulerClient client;
  private final Scheduler scheduler;
  private volatile boolean running;

  /**
   * What runs the instances of one one-time task.
   *
   * @param task task name, e.g. {@code learning-training}
   * @param run called with the instance id
   */
  public record Runner(String task, Consumer<String> run) {}

  /**
   * @param runners one-time tasks
   * @param recurring runner per recurring task name, with its fixed delay
   */
  public BackgroundJobs(
      DataSource dataSource,
      LearningProperties.Jobs settings,
      List<Runner> runners,
      Map<String, Map.Entry<Duration, Runnable>> recurring) {
    DataSource transactional = new TransactionAwareDataSourceProxy(dataSource);
    List<Task<?>> tasks = new ArrayList<>();
    for (Runner runner : runners) {
      tasks.add(
          Tasks.oneTime(runner.task())
              .onDeadExecutionRevive()
              .execute((instance, context) -> runner.run().accept(instance.getId())));
    }
    List<RecurringTask<?>> startup = new ArrayList<>();
    recurring.forEach(
        (name, entry) ->
            startup.add(
                Tasks.recurring(name, FixedDelay.of(entry.getKey()))
                    .execute((instance, context) -> entry.getValue().run())));
    this.client =
        SchedulerClient.Builder.create(transactional, tasks).tableName("learning.scheduled_tasks").build();
    if (settings.workers() > 0) {
      this.scheduler =
          Scheduler.create(transactional, tasks)
              .startTasks(startup)
              .tableName("learning.scheduled_tasks")
              .schedulerName(new SchedulerName.Fixed("learning-" + UUID.randomUUID()))
              .threads(settings.workers())
              .pollingInterval(settings.pollInterval())
              .heartbeatInterval(settings.heartbeatInterval())
              .missedHeartbeatsLimit(6)
              .enableImmediateExecution()
              .shutdownMaxWait(Duration.ofSeconds(2))
              .build();
    } else {
      this.scheduler = null;
    }
  }

  /** Schedules {@code task} for instance {@code id} to run now, in the current transaction. */
  public void schedule(String task, String id) {
    client.scheduleIfNotExists(new TaskInstance<Void>(task, id), Instant.now());
  }

  @Override
  public void start() {
    if (scheduler != null) {
      scheduler.start();
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    if (scheduler != null) {
      scheduler.stop();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    // Start after the gRPC servers and stop before them and the data source.
    return Integer.MAX_VALUE - 100;
  }
}
