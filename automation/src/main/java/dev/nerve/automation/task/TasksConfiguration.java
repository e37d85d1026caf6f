package dev.nerve.automation.task;

import dev.nerve.api.automation.v1.CronTrigger;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.engine.Dispatch;
import dev.nerve.automation.engine.Engine;
import dev.nerve.automation.engine.EngineConfiguration;
import dev.nerve.automation.engine.EngineTasks;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.workflow.WorkflowHooks;
import dev.nerve.automation.workflow.Workflows;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires scheduled tasks, their firing and the hooks workflows call on change. */
@Configuration(proxyBeanMethods = false)
public class TasksConfiguration {

  @Bean
  TaskRepository automationTaskRepository(JdbcClient jdbc) {
    return new TaskRepository(jdbc);
  }

  @Bean
  Tasks automationTasks(
      TaskRepository repository,
      Workflows workflows,
      ActionRunner runner,
      Engine engine,
      Dispatch dispatch,
      TransactionTemplate tx,
      AutomationProperties properties,
      EngineTasks engineTasks,
      EngineConfiguration.FinishedListeners listeners,
      ObjectProvider<Clock> clock) {
    // The system clock (UTC); a Clock bean replaces it, which only tests define.
    Tasks tasks =
        new Tasks(repository, workflows, runner, engine, dispatch, tx, properties, clock.getIfAvailable(Clock::systemUTC));
    engineTasks.onTaskFire(new TaskFirer(tasks)::fire);
    listeners.add(tasks::runFinished);
    return tasks;
  }

  @Bean
  WorkflowHooks automationWorkflowHooks(ObjectProvider<Tasks> tasks, ObjectProvider<Engine> engine) {
    return new WorkflowHooks() {
      @Override
      public void cronTrigger(Principal owner, String workflowId, CronTrigger cron) {
        tasks.getObject().cronTrigger(owner, workflowId, cron);
      }

      @Override
      public boolean scheduledByTask(String tenantId, String workflowId) {
        return tasks.getObject().scheduledByTask(tenantId, workflowId);
      }

      @Override
      public void deleted(Principal caller, String workflowId, boolean cancelRuns) {
        if (cancelRuns) {
          engine.getObject().cancelRunsOf(caller.tenantId(), workflowId);
        }
      }
    };
  }
}
