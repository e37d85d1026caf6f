package dev.nerve.automation.trigger;

import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.engine.Engine;
import dev.nerve.automation.workflow.Templates;
import dev.nerve.automation.workflow.WorkflowRepository;
import dev.nerve.automation.workflow.Workflows;
import dev.nerve.platform.secrets.SecretBox;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires webhook and event triggers. */
@Configuration(proxyBeanMethods = false)
public class TriggersConfiguration {

  @Bean
  Webhooks automationWebhooks(JdbcClient jdbc, SecretBox secrets, Workflows workflows, Engine engine, TransactionTemplate tx) {
    return new Webhooks(jdbc, secrets, workflows, engine, tx);
  }

  @Bean
  Events automationEvents(
      JdbcClient jdbc,
      WorkflowRepository workflows,
      Engine engine,
      Templates templates,
      TransactionTemplate tx,
      AutomationProperties properties) {
    return new Events(jdbc, workflows, engine, templates, tx, properties);
  }
}
