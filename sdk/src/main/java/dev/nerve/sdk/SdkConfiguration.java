package dev.nerve.sdk;

import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.IntegrationServiceGrpc;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers the SDK target: external API endpoints, extensions and integrations: its schema and its gRPC contracts, which answer UNIMPLEMENTED until the
 * service's implementation ships.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.SDK)
public class SdkConfiguration {

  @Bean
  ServiceSchema sdkSchema() {
    return new ServiceSchema(Target.SDK);
  }

  @Bean
  TargetService apiEndpointService() {
    return TargetService.unimplemented(Target.SDK, ApiEndpointServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService extensionService() {
    return TargetService.unimplemented(Target.SDK, ExtensionServiceGrpc.getServiceDescriptor());
  }

  @Bean
  TargetService integrationService() {
    return TargetService.unimplemented(Target.SDK, IntegrationServiceGrpc.getServiceDescriptor());
  }
}
