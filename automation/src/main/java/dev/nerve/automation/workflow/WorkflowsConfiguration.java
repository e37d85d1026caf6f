package dev.nerve.automation.workflow;

import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.action.ActionRegistry;
import dev.nerve.automation.cel.CelEngine;
import dev.nerve.automation.support.JsonSchemas;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires workflow definitions: reading, validation, versions and plans. */
@Configuration(proxyBeanMethods = false)
public class WorkflowsConfiguration {

  @Bean
  Templates automationTemplates(CelEngine cel) {
    return new Templates(cel);
  }

  @Bean
  WorkflowRepository automationWorkflowRepository(JdbcClient jdbc) {
    return new WorkflowRepository(jdbc);
  }

  @Bean
  Plans automationPlans(WorkflowRepository repository) {
    return new Plans(repository);
  }

  @Bean
  Workflows automationWorkflows(
      WorkflowRepository repository,
      JsonSchemas schemas,
      ActionRegistry actions,
      Templates templates,
      AutomationProperties properties,
      WorkflowHooks hooks,
      TransactionTemplate tx) {
    return new Workflows(
        repository,
        new DefinitionReader(schemas, properties.limits().maxDefinitionBytes()),
        new DefinitionValidator(actions, templates, properties),
        hooks,
        tx);
  }
}
