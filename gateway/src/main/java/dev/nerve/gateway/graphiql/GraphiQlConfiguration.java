package dev.nerve.gateway.graphiql;

import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves GraphiQL at {@code /graphiql} and its assets at {@code /graphiql/assets/} from the jar,
 * unless {@code nerve.gateway.graphql.introspection} is false (then there is no page at all).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "nerve.gateway.graphql.introspection", havingValue = "true", matchIfMissing = true)
public class GraphiQlConfiguration {

  @Bean
  RouterFunction<ServerResponse> graphiQlRoutes(Environment environment) {
    String http = environment.getProperty("spring.graphql.http.path", "/graphql");
    String webSocket = environment.getProperty("spring.graphql.websocket.path", http);
    GraphiQlPage page = new GraphiQlPage(http, webSocket);
    // Only /graphiql: the page names its assets relative to itself (graphiql/assets/...).
    return RouterFunctions.route()
        .GET("/graphiql", page::render)
        .resources(
            "/graphiql/assets/**",
            new ClassPathResource("graphiql-assets/"),
            (resource, headers) -> headers.setCacheControl(CacheControl.maxAge(Duration.ofHours(1))))
        .build();
  }
}
