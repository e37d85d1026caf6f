package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.storage.SchemaMigrator;
import dev.nerve.platform.target.Target;
import dev.nerve.testing.TestServers;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.graphql.execution.GraphQlSource;

/** Each target starts on its own with only its own services, schema and surface. */
class EveryTargetBootsAloneIT {

  @ParameterizedTest
  @EnumSource(Target.class)
  void targetBootsAlone(Target target) {
    List<String> args = new ArrayList<>(TestServers.applicationArguments());
    args.add("--nerve.targets=" + target.id());
    args.add("--server.port=0");
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(NerveApplication.class).run(args.toArray(String[]::new))) {

      List<Target> served =
          context.getBeanProvider(TargetService.class).orderedStream().map(TargetService::target).distinct().toList();
      List<String> schemas =
          context.getBean(SchemaMigrator.class).status().stream().map(SchemaMigrator.SchemaStatus::schema).toList();
      boolean graphql = context.getBeanProvider(GraphQlSource.class).getIfAvailable() != null;

      if (target == Target.GATEWAY) {
        assertThat(served).as("the internal provisioning service").containsExactly(Target.GATEWAY);
        assertThat(schemas).containsExactly("gateway");
        assertThat(graphql).as("gateway exposes GraphQL").isTrue();
      } else {
        assertThat(served).containsExactly(target);
        assertThat(schemas).containsExactly(target.schema().orElseThrow());
        assertThat(graphql).as("only the gateway exposes GraphQL").isFalse();
        assertThat(
                HealthGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(target))
                    .check(HealthCheckRequest.newBuilder().setService(target.id()).build())
                    .getStatus())
            .isEqualTo(ServingStatus.SERVING);
      }
    }
  }
}
