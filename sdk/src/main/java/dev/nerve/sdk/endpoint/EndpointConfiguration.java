package dev.nerve.sdk.endpoint;

import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import dev.nerve.sdk.SdkProperties;
import dev.nerve.sdk.integration.CredentialSource;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Replays;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires endpoints: storage, rules, the caller with its policies, and the gRPC service. */
@Configuration(proxyBeanMethods = false)
public class EndpointConfiguration {

  @Bean
  Endpoints endpoints(
      JdbcClient jdbc, JsonSchemas schemas, GuardedHttpClient http, CredentialSource credentials,
      Replays replays, TransactionTemplate tx, SdkProperties properties) {
    EndpointCaller caller =
        new EndpointCaller(
            http,
            new Authenticator(new OAuth2Tokens(http, Clock.systemUTC())),
            new EndpointPolicies(),
            properties.calls().maxResponseBytes().toBytes());
    return new Endpoints(new EndpointRepository(jdbc), new EndpointRules(schemas, http.guard()), schemas, caller, credentials, replays, tx);
  }

  @Bean
  TargetService apiEndpointService(Endpoints endpoints) {
    return new TargetService(Target.SDK, new ApiEndpointGrpcService(endpoints));
  }
}
