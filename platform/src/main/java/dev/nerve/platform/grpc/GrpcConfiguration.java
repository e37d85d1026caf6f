package dev.nerve.platform.grpc;

import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.error.ErrorMappingServerInterceptor;
import dev.nerve.platform.identity.IdentityClientInterceptor;
import dev.nerve.platform.identity.IdentityServerInterceptor;
import dev.nerve.platform.identity.InternalProperties;
import dev.nerve.platform.identity.InternalSecret;
import dev.nerve.platform.identity.InternalSecretFile;
import dev.nerve.platform.security.AuthorizationServerInterceptor;
import dev.nerve.platform.target.TargetSelection;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * gRPC for every target: servers for local services, channels to every target, and the one
 * interceptor chain both paths share (observation for traces and metrics, deadline, signed
 * identity, authorization, error mapping).
 */
@AutoConfiguration(
    afterName =
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@EnableConfigurationProperties({NerveProperties.class, InternalProperties.class})
public class GrpcConfiguration {

  @Bean
  InternalSecret internalSecret(InternalProperties properties, NerveProperties nerve) {
    InternalSecret secret = properties.internalSecret();
    if (nerve.grpc().port() >= 0) {
      // For `nerve doctor --server` on this machine; a process without a network port (the
      // doctor itself) leaves the file of the server on this data directory alone.
      InternalSecretFile.publish(secret, nerve.dataDir());
    }
    return secret;
  }

  @Bean
  TargetSelection targetSelection(NerveProperties properties) {
    return TargetSelection.parse(properties.targets());
  }

  @Bean
  InProcessAddress inProcessAddress() {
    return InProcessAddress.random();
  }

  @Bean
  GrpcServers grpcServers(
      NerveProperties properties,
      TargetSelection selection,
      InProcessAddress address,
      ObjectProvider<TargetService> services,
      InternalSecret secret,
      ObjectProvider<ObservationRegistry> observations) {
    ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
    List<TargetService> registered = services.orderedStream().toList();
    List<String> missing = ContractServices.missing(ContractServices.all(), selection.targets(), registered);
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "targets " + selection.ids() + " run here but register no implementation of their contracts " + missing
              + "; register each with a TargetService bean (TargetService.unimplemented until it ships)");
    }
    return new GrpcServers(
        registered,
        List.of(
            new ObservationGrpcServerInterceptor(registry),
            new IdentityServerInterceptor(secret),
            new AuthorizationServerInterceptor(),
            new ErrorMappingServerInterceptor()),
        address.name(),
        properties.grpc().port(),
        properties.grpc().address());
  }

  @Bean(name = "grpcHealthIndicator")
  GrpcServersHealthIndicator grpcHealthIndicator(GrpcServers servers) {
    return new GrpcServersHealthIndicator(servers);
  }

  @Bean(destroyMethod = "close")
  ChannelFactory channelFactory(
      TargetSelection selection,
      NerveProperties properties,
      InProcessAddress address,
      InternalSecret secret,
      ObjectProvider<ObservationRegistry> observations) {
    ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
    return new ChannelFactory(
        selection,
        properties,
        address.name(),
        List.of(
            new ObservationGrpcClientInterceptor(registry),
            new DeadlineClientInterceptor(properties.grpc().defaultDeadline()),
            new IdentityClientInterceptor(secret)));
  }
}
