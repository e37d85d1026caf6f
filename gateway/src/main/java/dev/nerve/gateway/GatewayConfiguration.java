package dev.nerve.gateway;

import dev.nerve.gateway.call.CallerIdentity;
import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.gateway.error.ErrorCodeInterceptor;
import dev.nerve.gateway.error.GraphQlErrorEvents;
import dev.nerve.gateway.error.GraphQlErrors;
import dev.nerve.gateway.error.GraphQlOutcomes;
import dev.nerve.gateway.graphql.DocumentCache;
import dev.nerve.gateway.graphql.Scalars;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.ConditionalOnTarget;
import dev.nerve.platform.target.Target;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

/** The gateway target: public GraphQL and REST surfaces over the services' gRPC contracts. */
@AutoConfiguration
@ConditionalOnTarget(Target.GATEWAY)
@EnableConfigurationProperties(GatewayProperties.class)
@ComponentScan(
    basePackageClasses = GatewayConfiguration.class,
    excludeFilters =
        @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = GatewayConfiguration.class))
public class GatewayConfiguration {

  @Bean
  CallerIdentity callerIdentity() {
    return new CallerIdentity();
  }

  @Bean
  ServiceCalls serviceCalls(ChannelFactory channels, CallerIdentity identity) {
    return new ServiceCalls(channels, identity);
  }

  @Bean
  DocumentCache graphQlDocumentCache() {
    // About 8 MB of query text: hundreds of distinct operations at the 16 KB document limit.
    return new DocumentCache(4_000_000);
  }

  @Bean
  GraphQlSourceBuilderCustomizer graphQlDocumentCaching(DocumentCache documents) {
    return builder -> builder.configureGraphQl(graphQl -> graphQl.preparsedDocumentProvider(documents));
  }

  @Bean
  RuntimeWiringConfigurer nerveScalars() {
    return wiring ->
        wiring
            .scalar(Scalars.DATE_TIME)
            .scalar(Scalars.JSON)
            .scalar(Scalars.DURATION);
  }

  @Bean
  GraphQlErrors.FetcherResolver graphQlFetcherErrors() {
    return new GraphQlErrors.FetcherResolver();
  }

  @Bean
  GraphQlErrors.SubscriptionResolver graphQlSubscriptionErrors() {
    return new GraphQlErrors.SubscriptionResolver();
  }

  @Bean
  ErrorCodeInterceptor graphQlErrorCodes() {
    return new ErrorCodeInterceptor();
  }

  @Bean
  GraphQlOutcomes graphQlOutcomes() {
    return new GraphQlOutcomes();
  }

  @Bean
  GraphQlErrorEvents graphQlErrorEvents() {
    return new GraphQlErrorEvents();
  }
}
