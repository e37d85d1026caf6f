package dev.nerve.gateway.contract;

import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.gateway.graphql.ContractWiring;
import dev.nerve.gateway.graphql.SchemaContracts;
import dev.nerve.gateway.rest.ApiDocument;
import dev.nerve.gateway.rest.ContractOpenApi;
import dev.nerve.gateway.rest.RestRoutes;
import dev.nerve.gateway.security.OperationCatalog;
import dev.nerve.gateway.validation.PayloadSchemas;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.WiringFactory;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Both public surfaces built from the contracts: the GraphQL wiring (fields marked {@code @rpc},
 * checked against the contracts and described by their comments), the REST routes of the
 * {@code google.api.http} bindings and the OpenAPI document derived from the descriptors.
 */
@Configuration(proxyBeanMethods = false)
public class ContractConfiguration {

  @Bean
  Contracts contracts() {
    return Contracts.load();
  }

  @Bean
  PayloadSchemas payloadSchemas() {
    return PayloadSchemas.load();
  }

  @Bean
  RequestBinder requestBinder(PayloadSchemas schemas) {
    return new RequestBinder(schemas);
  }

  @Bean
  RpcCalls rpcCalls(ServiceCalls calls) {
    return new RpcCalls(calls);
  }

  @Bean
  OperationCatalog operationCatalog(Contracts contracts) {
    return new OperationCatalog(contracts);
  }

  @Bean
  RuntimeWiringConfigurer contractWiring(Contracts contracts, RequestBinder binder, RpcCalls calls) {
    ContractWiring wiring = new ContractWiring(contracts, binder, calls);
    return new RuntimeWiringConfigurer() {
      @Override
      public void configure(RuntimeWiring.Builder builder) {}

      @Override
      public void configure(RuntimeWiring.Builder builder, List<WiringFactory> container) {
        container.add(wiring);
      }
    };
  }

  @Bean
  GraphQlSourceBuilderCustomizer contractSchema(Contracts contracts) {
    SchemaContracts schema = new SchemaContracts(contracts);
    return builder ->
        builder.schemaFactory(
            (registry, wiring) -> schema.apply(new SchemaGenerator().makeExecutableSchema(registry, wiring)));
  }

  @Bean
  RestRoutes restRoutes(
      Contracts contracts,
      RequestBinder binder,
      RpcCalls calls,
      @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping) {
    return new RestRoutes(contracts, binder, calls, mapping);
  }

  @Bean
  ContractOpenApi contractOpenApi(RestRoutes routes, Contracts contracts) {
    return new ContractOpenApi(routes, contracts);
  }

  @Bean
  ApiDocument apiDocument(ObjectProvider<BuildProperties> build) {
    BuildProperties info = build.getIfAvailable();
    return new ApiDocument(info == null ? "0.1.0-SNAPSHOT" : info.getVersion());
  }
}
