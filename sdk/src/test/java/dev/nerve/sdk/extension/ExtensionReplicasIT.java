package dev.nerve.sdk.extension;

import static dev.nerve.sdk.SdkTests.admin;
import static dev.nerve.sdk.SdkTests.as;
import static dev.nerve.sdk.SdkTests.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionKind;
import dev.nerve.api.sdk.v1.LoadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionRequest;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.sdk.SdkTestApplication;
import dev.nerve.sdk.SdkTests;
import dev.nerve.testing.TestServers;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two sdk replicas on one PostgreSQL and Redis: a replica that starts runs what the table says,
 * and a load or unload on one reaches the other through the Redis notice (the timer is set to an
 * hour, so only the notice can explain it).
 */
class ExtensionReplicasIT {

  static ConfigurableApplicationContext replica() {
    DatabaseEndpoint database = TestServers.database();
    return new SpringApplicationBuilder(SdkTestApplication.class)
        .web(WebApplicationType.NONE)
        .properties(
            "nerve.targets=sdk",
            "nerve.database.url=" + database.jdbcUrl(),
            "nerve.database.username=" + database.username(),
            "nerve.database.password=" + database.password(),
            "nerve.redis.url=" + TestServers.redisUri(),
            "nerve.grpc.port=0",
            "nerve.database.max-pool-size=3",
            "nerve.data-dir=" + TestServers.tempDirectory("nerve-sdk-replica"),
            "nerve.secrets.master-key=BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
            "nerve.sdk.extensions.reload-interval=1h")
        .run();
  }

  private static Extension bundle(String id) {
    return Extension.newBuilder().setId(id).setVersion("1.0.0").setKind(ExtensionKind.EXTENSION_KIND_WORKFLOW_PACK).build();
  }

  @Test
  void replicasStartWhatTheTableRunsAndFollowLoadsAndUnloads() {
    String tenant = freshTenant();
    Identity admin = admin(tenant);
    try (ConfigurableApplicationContext first = replica()) {
      var stub = SdkTests.extensions(first.getBean(ChannelFactory.class));
      as(admin, () -> stub.load(LoadExtensionRequest.newBuilder().setExtension(bundle("early")).build()));

      try (ConfigurableApplicationContext second = replica()) {
        Extensions other = second.getBean(Extensions.class);
        Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> other.runningKeys().contains(Extensions.key(tenant, "early")));

        as(admin, () -> stub.load(LoadExtensionRequest.newBuilder().setExtension(bundle("late")).build()));
        Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> other.runningKeys().contains(Extensions.key(tenant, "late")));

        as(admin, () -> stub.unload(UnloadExtensionRequest.newBuilder().setId("early").build()));
        Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> !other.runningKeys().contains(Extensions.key(tenant, "early")));
        assertThat(other.runningKeys()).contains(Extensions.key(tenant, "late"));
      }
    }
  }
}
