package dev.nerve.installation.setup;

import dev.nerve.installation.dependency.TenantPackages;
import dev.nerve.installation.environment.KeyCanary;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.secrets.SecretsProperties;
import dev.nerve.platform.storage.SchemaMigrator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires first-run setup, which the environment service delegates {@code setup} to. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SetupProperties.class)
public class SetupConfiguration {

  @Bean
  FirstRunSetup firstRunSetup(
      SchemaMigrator migrator,
      JdbcClient jdbc,
      SecretBox secrets,
      SecretsProperties secretsProperties,
      ChannelFactory channels,
      TenantPackages packages,
      SetupProperties properties,
      @Value("${nerve.gateway.default-tenant:default}") String adminTenant) {
    boolean keyConfigured = secretsProperties.masterKey() != null && !secretsProperties.masterKey().isBlank();
    return new FirstRunSetup(
        migrator,
        new KeyCanary(secrets, jdbc, keyConfigured),
        new GatewayIdentity(channels),
        new TenantConfiguration(channels),
        new DefaultExtensions(packages, properties),
        adminTenant);
  }
}
