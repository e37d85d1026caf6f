package dev.nerve.gateway.validation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** JSON Schema validation of free-form payloads on both surfaces (REST: {@link JsonSchemaBodyAdvice}). */
@Configuration(proxyBeanMethods = false)
public class ValidationConfiguration {

  @Bean
  PayloadSchemas payloadSchemas() {
    return PayloadSchemas.load();
  }

  /**
   * First in the instrumentation chain, so its check runs innermost: inside the guard that attaches
   * the caller and audits mutations, which then records a refused payload as BAD_USER_INPUT.
   */
  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  JsonSchemaDirective graphQlJsonSchemaDirective(PayloadSchemas schemas) {
    return new JsonSchemaDirective(schemas);
  }
}
