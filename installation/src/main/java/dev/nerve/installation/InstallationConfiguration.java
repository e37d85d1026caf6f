package dev.nerve.installation;

import dev.nerve.api.installation.v1.DependencyServiceGrpc;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The installation target: its schema, its gRPC services and the environment checks. */
@AutoConfiguration
@ConditionalOnTarget(Target.INSTALLATION)
@Import({
  dev.nerve.installation.environment.EnvironmentConfiguration.class,
  dev.nerve.installation.configuration.ConfigurationWiring.class
})
public class InstallationConfiguration {

  @Bean
  ServiceSchema installationSchema() {
    return new ServiceSchema(Target.INSTALLATION);
  }

  @Bean
  TargetService dependencyService() {
    return TargetService.unimplemented(
        Target.INSTALLATION, DependencyServiceGrpc.getServiceDescriptor());
  }
}
