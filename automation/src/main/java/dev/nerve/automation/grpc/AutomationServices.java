package dev.nerve.automation.grpc;

import dev.nerve.automation.engine.Runs;
import dev.nerve.automation.task.Tasks;
import dev.nerve.automation.trigger.Events;
import dev.nerve.automation.trigger.Webhooks;
import dev.nerve.automation.workflow.Workflows;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the workflow, task and trigger gRPC services of the automation target. */
@Configuration(proxyBeanMethods = false)
public class AutomationServices {

  @Bean
  TargetService automationWorkflowService(Workflows workflows, Runs runs) {
    return new TargetService(Target.AUTOMATION, new WorkflowGrpcService(workflows, runs));
  }

  @Bean
  TargetService automationTaskService(Tasks tasks) {
    return new TargetService(Target.AUTOMATION, new TaskGrpcService(tasks));
  }

  @Bean
  TargetService automationTriggerService(Webhooks webhooks, Events events) {
    return new TargetService(Target.AUTOMATION, new TriggerGrpcService(webhooks, events));
  }
}
