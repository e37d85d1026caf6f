package dev.nerve.sdk;

import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import dev.nerve.sdk.endpoint.EndpointConfiguration;
import dev.nerve.sdk.extension.ExtensionConfiguration;
import dev.nerve.sdk.integration.IntegrationConfiguration;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Replays;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The SDK target: its schema, the pieces its features share (JSON Schemas, idempotency; outbound
 * HTTP is the platform's guarded client) and the endpoint, integration and extension features, each wired by its own
 * configuration.
 */
@AutoConfiguration
@ConditionalOnTarget(Target.SDK)
@EnableConfigurationProperties(SdkProperties.class)
@Import({IntegrationConfiguration.class, EndpointConfiguration.class, ExtensionConfiguration.class})
public class SdkConfiguration {

  @Bean
  ServiceSchema sdkSchema() {
    return new ServiceSchema(Target.SDK);
  }

  @Bean
  JsonSchemas sdkJsonSchemas() {
    return new JsonSchemas();
  }

  @Bean
  Replays sdkReplays(StatefulRedisConnection<String, String> redis, SdkProperties properties) {
    return new Replays(redis, properties.calls().idempotencyTtl());
  }
}
