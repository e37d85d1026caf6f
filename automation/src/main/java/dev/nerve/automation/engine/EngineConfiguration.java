package dev.nerve.automation.engine;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.workflow.Plans;
import dev.nerve.automation.workflow.Templates;
import dev.nerve.automation.workflow.Workflows;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the durable engine: db-scheduler on a transaction-aware view of the shared pool (so work
 * scheduled in a transaction commits with it), the interpreter, the step worker and the read side.
 */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {

  /** Listeners told when an execution ends (inside its transaction). */
  public static final class FinishedListeners extends CopyOnWriteArrayList<RunFinished> {
    private static final long serialVersionUID = 1L;
  }

  @Bean
  FinishedListeners automationFinishedListeners() {
    return new FinishedListeners();
  }

  @Bean
  EngineTasks automationEngineTasks(AutomationProperties properties) {
    return new EngineTasks(properties.retention().purgeInterval());
  }

  @Bean
  Scheduler automationScheduler(
      DataSource dataSource,
      EngineTasks tasks,
      AutomationProperties properties,
      ConcurrencyLimits limits) {
    AutomationProperties.Engine engine = properties.engine();
    return Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), tasks.tasks())
        .startTasks(List.of(tasks.recurring()))
        .tableName("automation.scheduled_tasks")
        .threads(limits.replicaSlots())
        .pollingInterval(engine.pollInterval())
        .heartbeatInterval(engine.heartbeatInterval())
        .missedHeartbeatsLimit(engine.missedHeartbeats())
        .pollUsingLockAndFetch(0.5, 1.0)
        .serializer(new TextSerializer())
        .schedulerName(new SchedulerName.Fixed(workerName(engine)))
        .enableImmediateExecution()
        .alwaysPersistTimestampInUTC()
        .deleteUnresolvedAfter(Duration.ofDays(1))
        .failureLogging(LogLevel.WARN, true)
        .shutdownMaxWait(EngineLifecycle.SHUTDOWN_WAIT)
        .build();
  }

  /** Steps this replica runs at once: the saved /automation/engine/threads wins over the property (at start only). */
  static int threads(AutomationProperties properties, dev.nerve.platform.settings.LiveSettings settings) {
    return (int) settings.number(null, "/automation/engine/threads", properties.engine().threads());
  }

  static String workerName(AutomationProperties.Engine engine) {
    if (engine.name() != null && !engine.name().isBlank()) {
      return engine.name();
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  @Bean
  Dispatch automationDispatch(Scheduler scheduler, JdbcClient jdbc) {
    Dispatch dispatch = new Dispatch(scheduler, jdbc);
    dispatch.nudgeWith(scheduler::triggerCheckForDueExecutions);
    return dispatch;
  }

  @Bean(destroyMethod = "close")
  RunEvents automationRunEvents(RedisClient client, StatefulRedisConnection<String, String> redis) {
    return new RunEvents(client, redis);
  }

  @Bean
  RunRepository automationRuns(JdbcClient jdbc, JdbcTemplate template) {
    return new RunRepository(jdbc, template);
  }

  @Bean
  AttemptInputs automationAttemptInputs(RunRepository runs, Templates templates, ActionRunner runner) {
    return new AttemptInputs(runs, templates, runner);
  }

  @Bean
  Engine automationEngine(
      RunRepository runs,
      Plans plans,
      Workflows workflows,
      Templates templates,
      Dispatch dispatch,
      RunEvents events,
      TransactionTemplate tx,
      AutomationProperties properties,
      FinishedListeners listeners,
      AttemptInputs inputs,
      ConcurrencyLimits limits) {
    Engine[] self = new Engine[1];
    InlineSteps inline = new InlineSteps(inputs, runs, limits, workerName(properties.engine()));
    Interpreter interpreter =
        new Interpreter(runs, plans, templates, dispatch, events, properties.limits(),
            (parent, key, workflowId, version, input) -> self[0].startChild(parent, key, workflowId, version, input), listeners,
            inline);
    self[0] = new Engine(runs, plans, workflows, interpreter, dispatch, tx, properties);
    return self[0];
  }

  @Bean
  Executions automationExecutions(RunRepository runs, Plans plans) {
    return new Executions(runs, plans);
  }

  @Bean
  Runs automationRunsApi(Engine engine, Executions executions, RunEvents events, Dispatch dispatch, AutomationProperties properties) {
    return new Runs(engine, new StartBatches(engine, properties.engine().startBatchSize(), properties.engine().startBatches()),
        executions, events,
        new IntakeGate(dispatch::queued, properties.engine().maxQueued(), properties.engine().intakeWait()));
  }

  @Bean
  StepWorker automationStepWorker(
      Engine engine,
      RunRepository runs,
      Plans plans,
      AttemptInputs inputs,
      Dispatch dispatch,
      RunEvents events,
      AutomationProperties properties,
      EngineTasks tasks,
      JdbcClient jdbc,
      ConcurrencyLimits limits,
      dev.nerve.platform.settings.LiveSettings settings) {
    AutomationProperties.Engine config = properties.engine();
    StepWorker worker =
        new StepWorker(engine, engine.interpreter(), runs, plans, inputs, dispatch,
            limits,
            events, workerName(config),
            config.heartbeatInterval());
    tasks.bind(worker, engine, new Maintenance(
        jdbc, () -> settings.duration(null, "/retention/automationRuns", properties.retention().runs())));
    return worker;
  }

  /** This replica's bounds on steps running at once, shared by its worker and its local starts. */
  @Bean
  ConcurrencyLimits automationConcurrencyLimits(AutomationProperties properties, dev.nerve.platform.settings.LiveSettings settings) {
    AutomationProperties.Engine config = properties.engine();
    return new ConcurrencyLimits(threads(properties, settings), config.maxStepsPerWorkflow(), config.maxStepsPerKind());
  }

  @Bean
  LocalStarts automationLocalStarts(
      Engine engine,
      StepWorker worker,
      ConcurrencyLimits limits,
      RunRepository runs,
      Dispatch dispatch,
      Scheduler scheduler,
      JdbcClient jdbc,
      AutomationProperties properties) {
    AutomationProperties.Engine config = properties.engine();
    String name = workerName(config);
    LocalStarts local = new LocalStarts(worker, limits, runs, dispatch, scheduler,
        new LocalLeases(jdbc, name, config.heartbeatInterval(), config.missedHeartbeats()), name);
    engine.startLocally(local);
    return local;
  }

  @Bean
  EngineLifecycle automationEngineLifecycle(Scheduler scheduler, EngineTasks tasks, StepWorker worker, LocalStarts local) {
    return new EngineLifecycle(scheduler, tasks, worker, local);
  }
}
