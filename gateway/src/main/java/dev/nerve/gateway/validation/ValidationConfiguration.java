package dev.nerve.gateway.validation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** JSON Schema validation of the gateway's free-form payloads. */
@Configuration(proxyBeanMethods = false)
public class ValidationConfiguration {

  @Bean
  PayloadSchemas payloadSchemas() {
    return PayloadSchemas.load();
  }
}
