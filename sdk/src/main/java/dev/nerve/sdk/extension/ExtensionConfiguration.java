package dev.nerve.sdk.extension;

import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.target.Target;
import dev.nerve.sdk.SdkProperties;
import dev.nerve.sdk.endpoint.Endpoints;
import dev.nerve.sdk.integration.CredentialSource;
import dev.nerve.sdk.integration.IntegrationType;
import dev.nerve.sdk.integration.IntegrationTypes;
import dev.nerve.sdk.mcp.McpConnector;
import dev.nerve.sdk.support.Json;
import dev.nerve.sdk.support.JsonSchemas;
import dev.nerve.sdk.support.Replays;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires extensions: the service, its sync across replicas, and the gRPC service. */
@Configuration(proxyBeanMethods = false)
public class ExtensionConfiguration {

  /** The Nerve version manifests' ranges are checked against (pre-release suffix dropped). */
  static String nerveVersion(BuildProperties build) {
    String version = build == null ? "0.1.0" : build.getVersion();
    int suffix = version.indexOf('-');
    return suffix > 0 ? version.substring(0, suffix) : version;
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService sdkActionRunner() {
    return Executors.newCachedThreadPool(DaemonThreads.named("sdk-action"));
  }

  @Bean
  Extensions extensions(
      JdbcClient jdbc, Endpoints endpoints, CredentialSource credentials, McpConnector mcp, JsonSchemas schemas,
      Replays replays, TransactionTemplate tx, ObjectProvider<ActionUsage> usage, ChannelFactory channels, ExecutorService sdkActionRunner,
      SdkProperties properties, NerveProperties nerve, ObjectProvider<BuildProperties> build) {
    var settings = properties.extensions();
    return new Extensions(new ExtensionRepository(jdbc), endpoints, credentials, mcp, schemas, replays, tx,
        usage.getIfAvailable(() -> new AutomationActionUsage(channels)), sdkActionRunner,
        new Extensions.Settings(nerveVersion(build.getIfAvailable()), settings.maxJarBytes().toBytes(),
            settings.pluginDirectory(nerve.dataDir()), settings.actionTimeout(), settings.maxActionTimeout()));
  }

  @Bean
  IntegrationTypes.ContributedTypes contributedIntegrationTypes(ObjectProvider<Extensions> extensions) {
    return (tenant, provider) -> extensions.getObject().integrationType(tenant, provider)
        .map(type -> new IntegrationType(provider,
            type.hasSettingsSchema() ? Json.tree(type.getSettingsSchema()) : Json.read("{\"type\":\"object\"}"),
            type.getCredentialKeysList(), type.getCredentialKeysList()));
  }

  @Bean
  ExtensionSync extensionSync(
      Extensions extensions, RedisClient client, StatefulRedisConnection<String, String> redis, SdkProperties properties) {
    return new ExtensionSync(extensions, client, redis, properties.extensions().reloadInterval());
  }

  @Bean
  TargetService extensionService(Extensions extensions) {
    return new TargetService(Target.SDK, new ExtensionGrpcService(extensions));
  }
}
