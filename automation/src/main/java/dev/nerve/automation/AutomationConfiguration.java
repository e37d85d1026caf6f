package dev.nerve.automation;

import dev.nerve.automation.action.ActionsConfiguration;
import dev.nerve.automation.activity.AutomationActivity;
import dev.nerve.automation.cel.CelEngine;
import dev.nerve.automation.engine.EngineConfiguration;
import dev.nerve.automation.grpc.AutomationServices;
import dev.nerve.automation.support.JsonSchemas;
import dev.nerve.automation.task.TasksConfiguration;
import dev.nerve.automation.trigger.TriggersConfiguration;
import dev.nerve.automation.workflow.WorkflowsConfiguration;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The automation target: its schema, the shared pieces (CEL, JSON Schema) and its features
 * (actions, workflows, the durable engine, scheduled tasks, triggers), each wired by its own
 * configuration, behind the WorkflowService, TaskService, ActionService and TriggerService
 * contracts.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.AUTOMATION)
@EnableConfigurationProperties(AutomationProperties.class)
@Import({
  ActionsConfiguration.class,
  WorkflowsConfiguration.class,
  EngineConfiguration.class,
  TasksConfiguration.class,
  TriggersConfiguration.class,
  AutomationServices.class,
  AutomationActivity.class
})
public class AutomationConfiguration {

  @Bean
  ServiceSchema automationSchema() {
    return new ServiceSchema(Target.AUTOMATION);
  }

  @Bean
  CelEngine automationCel(AutomationProperties properties) {
    return new CelEngine(properties.limits());
  }

  @Bean
  JsonSchemas automationJsonSchemas() {
    return new JsonSchemas();
  }
}
