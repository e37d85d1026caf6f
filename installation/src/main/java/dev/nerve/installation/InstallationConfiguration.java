package dev.nerve.installation;

import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The installation target: its schema, its gRPC services, the environment checks and first-run setup, extension packages and configuration. */
@AutoConfiguration
@ConditionalOnTarget(Target.INSTALLATION)
@Import({
  dev.nerve.installation.environment.EnvironmentConfiguration.class,
  dev.nerve.installation.dependency.DependenciesConfiguration.class,
  dev.nerve.installation.configuration.ConfigurationWiring.class,
  dev.nerve.installation.setup.SetupConfiguration.class
})
public class InstallationConfiguration {

  @Bean
  ServiceSchema installationSchema() {
    return new ServiceSchema(Target.INSTALLATION);
  }
}
