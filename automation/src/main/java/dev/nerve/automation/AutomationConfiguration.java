package dev.nerve.automation;

import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.api.automation.v1.TaskServiceGrpc;
import dev.nerve.api.automation.v1.ActionServiceGrpc;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers the automation target: workflows, scheduled tasks and actions: its schema and its gRPC contracts, which answer UNIMPLEMENTED until the
 * service's implementation ships.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.AUTOMATION)
public class AutomationConfiguration {

  @Bean
  ServiceSchema automationSchema() {
    return new ServiceSchema(Target.AUTOMATION);
  }

  @Bean
  TargetService workflowService() {
    return TargetService.unimplemented(Target.AUTOMATION, WorkflowServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService taskService() {
    return TargetService.unimplemented(Target.AUTOMATION, TaskServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService actionService() {
    return TargetService.unimplemented(Target.AUTOMATION, ActionServiceGrpc.getServiceDescriptor());
  }
}
