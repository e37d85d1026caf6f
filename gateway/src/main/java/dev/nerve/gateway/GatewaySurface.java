package dev.nerve.gateway;

import dev.nerve.platform.target.Target;
import dev.nerve.platform.target.TargetSelection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets the defaults of the public surface (GraphQL path, WebSocket, GraphiQL, OpenAPI) and turns
 * the whole surface off in processes that do not run the gateway target, so a memory-only pod
 * exposes no GraphQL or Swagger endpoints.
 */
public final class GatewaySurface implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication app) {
    Map<String, Object> defaults = new HashMap<>();
    boolean gateway =
        TargetSelection.parse(environment.getProperty("nerve.targets")).runs(Target.GATEWAY);
    if (gateway) {
      defaults.put("spring.graphql.http.path", "/graphql");
      defaults.put("spring.graphql.websocket.path", "/graphql");
      // NERVE_GRAPHQL_INTROSPECTION=false turns off introspection and GraphiQL (production).
      // GraphiQL is Nerve's own offline page (GraphiQlConfiguration), not Spring's CDN-based one.
      String introspection =
          environment.getProperty("nerve.gateway.graphql.introspection", "true").trim();
      defaults.put("spring.graphql.graphiql.enabled", "false");
      defaults.put("spring.graphql.schema.introspection.enabled", introspection);
      defaults.put("springdoc.api-docs.path", "/v3/api-docs");
      defaults.put("springdoc.paths-to-match", "/api/**");
      defaults.put("springdoc.api-docs.version", "openapi_3_0");
      defaults.put("springdoc.default-produces-media-type", "application/json");
      defaults.put("springdoc.default-consumes-media-type", "application/json");
    } else {
      defaults.put("spring.graphql.schema.locations", "classpath:/graphql-disabled/");
      defaults.put("spring.graphql.graphiql.enabled", "false");
      defaults.put("springdoc.api-docs.enabled", "false");
      defaults.put("springdoc.swagger-ui.enabled", "false");
    }
    environment.getPropertySources().addLast(new MapPropertySource("nerveGatewaySurface", defaults));
  }
}
