package dev.nerve.gateway.security;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.gateway.audit.AuditLog;
import dev.nerve.gateway.audit.RefusalAudit;
import dev.nerve.gateway.audit.TraceIds;
import dev.nerve.gateway.identity.AccessTokens;
import dev.nerve.gateway.identity.ActiveUsers;
import dev.nerve.gateway.identity.ApiKeys;
import dev.nerve.gateway.identity.GatewayStore;
import dev.nerve.gateway.identity.IdentityConfiguration;
import dev.nerve.gateway.ratelimit.RateLimiter;
import dev.nerve.platform.redis.RedisCircuit;
import dev.nerve.platform.redis.RedisEndpoint;
import graphql.parser.ParserOptions;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

/** Authentication, authorization, rate limits, GraphQL limits, audit and HTTP hygiene of the gateway. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

  @Bean
  Authenticator authenticator(
      AccessTokens accessTokens,
      ApiKeys apiKeys,
      IdentityConfiguration.OidcIssuer oidc,
      ActiveUsers activeUsers) {
    return new Authenticator(accessTokens, apiKeys, oidc.tokens(), activeUsers);
  }

  @Bean(destroyMethod = "close")
  RateLimiter rateLimiter(
      RedisClient redis,
      RedisEndpoint endpoint,
      GatewayProperties properties,
      ObjectProvider<MeterRegistry> meters,
      RedisCircuit circuit) {
    return new RateLimiter(
        redis,
        endpoint.uri(),
        properties.rateLimit(),
        meters.getIfAvailable(SimpleMeterRegistry::new),
        circuit);
  }

  @Bean
  Guard guard(
      RateLimiter limiter,
      GatewayProperties properties,
      dev.nerve.platform.settings.LiveSettings settings,
      ObjectProvider<MeterRegistry> meters) {
    return new Guard(limiter, properties.rateLimit(), settings, meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean(destroyMethod = "close")
  AuditLog auditLog(GatewayStore store, ObjectProvider<MeterRegistry> meters) {
    return new AuditLog(store.jdbc(), meters.getIfAvailable(SimpleMeterRegistry::new), AuditLog.DEFAULT_BUFFER);
  }

  @Bean
  RefusalAudit refusalAudit(AuditLog audit, TraceIds traces) {
    return new RefusalAudit(audit, traces);
  }

  @Bean
  TraceIds traceIds(ObjectProvider<Tracer> tracer) {
    return new TraceIds(tracer);
  }

  @Bean
  FilterRegistrationBean<GatewayHttpFilter> gatewayHttpFilter(
      Authenticator authenticator, GatewayProperties properties, JsonMapper json) {
    FilterRegistrationBean<GatewayHttpFilter> registration =
        new FilterRegistrationBean<>(
            new GatewayHttpFilter(authenticator, properties.http().maxBodyBytes().toBytes(), json));
    // After the observation filter (so rejected requests are traced), before everything else.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  @Bean
  WebMvcConfigurer gatewayWebMvc(
      Guard guard,
      OperationCatalog catalog,
      AuditLog audit,
      TraceIds traces,
      RefusalAudit refusals,
      GatewayProperties properties) {
    RestGuard restGuard = new RestGuard(guard, catalog, audit, traces, refusals);
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(restGuard);
      }

      @Override
      public void addCorsMappings(CorsRegistry registry) {
        if (!properties.http().corsOrigins().isEmpty()) {
          String[] origins = properties.http().corsOrigins().toArray(String[]::new);
          for (String path : new String[] {"/api/**", "/graphql", "/.well-known/**"}) {
            registry
                .addMapping(path)
                .allowedOrigins(origins)
                .allowedMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .allowedHeaders("Authorization", "Content-Type", "X-API-Key")
                .exposedHeaders("Retry-After")
                .maxAge(600);
          }
        }
      }
    };
  }

  @Bean
  GraphQlOperationGuard graphQlOperationGuard(
      Guard guard, OperationCatalog catalog, RefusalAudit refusals, GatewayProperties properties) {
    return new GraphQlOperationGuard(guard, catalog, refusals, properties.graphql().maxAliases());
  }

  @Bean
  GraphQlCallerScope graphQlCallerScope() {
    return new GraphQlCallerScope();
  }

  @Bean
  GraphQlMutationAudit graphQlMutationAudit(OperationCatalog catalog, AuditLog audit, TraceIds traces) {
    return new GraphQlMutationAudit(catalog, audit, traces);
  }

  @Bean
  QueryDepthLimit graphQlMaxDepth(GatewayProperties properties) {
    return new QueryDepthLimit(properties.graphql().maxDepth());
  }

  @Bean
  QueryComplexityLimit graphQlMaxComplexity(GatewayProperties properties) {
    return new QueryComplexityLimit(properties.graphql().maxComplexity());
  }

  @Bean
  GraphQlCallers graphQlCallers(Authenticator authenticator, GatewayProperties properties) {
    GatewayProperties.GraphQl limits = properties.graphql();
    ParserOptions parser =
        ParserOptions.getDefaultOperationParserOptions().transform(
            options ->
                options
                    .maxTokens(limits.maxTokens())
                    .maxCharacters((int) limits.maxDocumentBytes().toBytes())
                    .maxRuleDepth(Math.max(50, limits.maxDepth() * 4)));
    return new GraphQlCallers(authenticator, parser);
  }
}
