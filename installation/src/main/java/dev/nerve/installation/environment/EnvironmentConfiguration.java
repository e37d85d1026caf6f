package dev.nerve.installation.environment;

import dev.nerve.installation.environment.smoke.SmokeProbes;
import dev.nerve.installation.setup.FirstRunSetup;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.outbound.OutboundGuard;
import dev.nerve.platform.redis.RedisEndpoint;
import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.secrets.SecretsProperties;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.platform.storage.SchemaMigrator;
import dev.nerve.platform.storage.ServiceSchema;
import dev.nerve.platform.target.Target;
import dev.nerve.platform.target.TargetSelection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the environment checks and their gRPC service. */
@Configuration(proxyBeanMethods = false)
public class EnvironmentConfiguration {

  @Bean
  TargetService environmentService(
      JdbcClient jdbc,
      DataSource dataSource,
      TransactionTemplate tx,
      DatabaseEndpoint database,
      SchemaMigrator migrator,
      StatefulRedisConnection<String, String> redis,
      RedisEndpoint redisEndpoint,
      NerveProperties properties,
      ChannelFactory channels,
      TargetSelection selection,
      ObjectProvider<BuildProperties> build,
      SecretBox secrets,
      SecretsProperties secretsProperties,
      ObjectProvider<Probe> contributed,
      ObjectProvider<MeterRegistry> meterRegistry,
      OutboundGuard outboundGuard,
      Environment environment,
      FirstRunSetup setup) {
    MeterRegistry meters = meterRegistry.getIfAvailable(SimpleMeterRegistry::new);
    boolean keyConfigured = secretsProperties.masterKey() != null && !secretsProperties.masterKey().isBlank();
    EnvironmentChecker checker =
        new EnvironmentChecker(
            () -> {
              List<Probe> probes = new ArrayList<>();
              probes.add(new JavaRuntimeProbe());
              probes.add(new PostgresProbe(jdbc, database));
              probes.add(
                  new MigrationsProbe(
                      migrator,
                      () -> new SchemaMigrator(dataSource, elsewhere(channels, selection, true)),
                      () -> elsewhere(channels, selection, false).stream().map(ServiceSchema::name).toList()));
              probes.add(new RedisProbe(redis, redisEndpoint));
              probes.add(new DiskSpaceProbe(properties.dataDir()));
              probes.add(new ClockSkewProbe(jdbc));
              probes.add(new MasterKeyProbe(secrets, jdbc, keyConfigured));
              probes.add(new SigningKeysProbe(selection.runs(Target.GATEWAY), () -> serverPort(environment)));
              probes.addAll(SmokeProbes.checks(channels));
              contributed.orderedStream().forEach(probes::add);
              channels
                  .routes()
                  .forEach((target, route) -> probes.add(new TargetHealthProbe(target, route, channels)));
              return probes;
            },
            meters);
    // verify's live probes: storage round trips, then a smoke of every system through its contract.
    EnvironmentChecker roundTrips =
        new EnvironmentChecker(
            () -> {
              List<Probe> probes = new ArrayList<>(RoundTripProbes.of(jdbc, tx, redis));
              probes.addAll(SmokeProbes.of(channels, outboundGuard, () -> httpPort(environment)));
              return probes;
            },
            meters);
    BuildProperties info = build.getIfAvailable();
    String version = info == null ? "development" : info.getVersion();
    return new TargetService(
        Target.INSTALLATION,
        new EnvironmentGrpcService(
            checker, roundTrips, new CheckRunLog(jdbc, tx), selection, version, setup));
  }

  /**
   * Schemas of targets reached in another process whose migrations this build ships ({@code
   * shipped}), or does not.
   */
  private static List<ServiceSchema> elsewhere(ChannelFactory channels, TargetSelection selection, boolean shipped) {
    List<ServiceSchema> schemas = new ArrayList<>();
    for (Target target : channels.routes().keySet()) {
      if (!selection.runs(target) && target.schema().isPresent()) {
        ServiceSchema schema = new ServiceSchema(target);
        boolean here =
            EnvironmentConfiguration.class.getClassLoader().getResource("db/migration/" + schema.name()) != null;
        if (here == shipped) {
          schemas.add(schema);
        }
      }
    }
    return schemas;
  }

  /** This process's HTTP port, once the web server is up. */
  private static OptionalInt serverPort(Environment environment) {
    return port(environment.getProperty("local.server.port", Integer.class));
  }

  /** The port serving the actuator (management port when separate), once the web server is up. */
  private static OptionalInt httpPort(Environment environment) {
    OptionalInt management = port(environment.getProperty("local.management.port", Integer.class));
    return management.isPresent() ? management : serverPort(environment);
  }

  private static OptionalInt port(Integer port) {
    return port == null || port <= 0 ? OptionalInt.empty() : OptionalInt.of(port);
  }
}
