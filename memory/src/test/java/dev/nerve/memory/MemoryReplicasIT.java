package dev.nerve.memory;

import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.UpdateContextRequest;
import dev.nerve.memory.support.Json;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.platform.target.Target;
import dev.nerve.testing.TestServers;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Two memory replicas on one PostgreSQL and Redis: a write on one is seen by reads on the other. */
class MemoryReplicasIT {

  private ConfigurableApplicationContext first;
  private ConfigurableApplicationContext second;

  static ConfigurableApplicationContext replica() {
    DatabaseEndpoint database = TestServers.database();
    return new SpringApplicationBuilder(MemoryTestApplication.class)
        .web(WebApplicationType.NONE)
        .properties(
            "nerve.targets=memory",
            "nerve.database.url=" + database.jdbcUrl(),
            "nerve.database.username=" + database.username(),
            "nerve.database.password=" + database.password(),
            "nerve.redis.url=" + TestServers.redisUri(),
            "nerve.grpc.port=0",
            "nerve.grpc.default-deadline=60s",
            "nerve.data-dir=" + TestServers.tempDirectory("nerve-replica"),
            "nerve.memory.context.cache-ttl=1h")
        .run();
  }

  @BeforeEach
  void start() {
    first = replica();
    second = replica();
  }

  @AfterEach
  void stop() {
    second.close();
    first.close();
  }

  private static ContextServiceGrpc.ContextServiceBlockingStub stub(ConfigurableApplicationContext replica) {
    return ContextServiceGrpc.newBlockingStub(replica.getBean(ChannelFactory.class).channel(Target.MEMORY));
  }

  @Test
  void aMemoryStoredOnOneReplicaIsFoundBySearchOnTheOther() {
    Identity alice = user(freshTenant(), "alice");
    // The second replica has searched once, so its index is open and caught up.
    SearchMemoriesRequest search = SearchMemoriesRequest.newBuilder().setQuery("marathon training plan").build();
    assertThat(as(alice, () -> longTerm(second).search(search)).getHitsList()).isEmpty();

    String id =
        as(alice, () -> longTerm(first).store(StoreMemoryRequest.newBuilder().setText("Alice follows a 16-week marathon training plan").build()))
            .getMemory()
            .getId();

    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(as(alice, () -> longTerm(second).search(search)).getHitsList())
                    .extracting(h -> h.getMemory().getId())
                    .containsExactly(id));
  }

  private static LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub longTerm(ConfigurableApplicationContext replica) {
    return LongTermMemoryServiceGrpc.newBlockingStub(replica.getBean(ChannelFactory.class).channel(Target.MEMORY));
  }

  @Test
  void anUpdateOnOneReplicaInvalidatesTheOtherReplicasCache() {
    Identity alice = user(freshTenant(), "alice");
    as(alice, () -> stub(first).manage(ManageContextRequest.newBuilder().setId("shared").setData(Json.struct("{\"step\":1}")).build()));
    GetContextRequest get = GetContextRequest.newBuilder().setId("shared").build();
    // Both replicas now hold version 1 in their local caches.
    assertThat(as(alice, () -> stub(first).get(get)).getVersion()).isEqualTo(1);
    assertThat(as(alice, () -> stub(second).get(get)).getVersion()).isEqualTo(1);

    as(alice, () -> stub(second).update(UpdateContextRequest.newBuilder().setId("shared").setMergePatch(Json.struct("{\"step\":2}")).build()));

    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Context seen = as(alice, () -> stub(first).get(get));
              assertThat(seen.getVersion()).isEqualTo(2);
              assertThat(seen.getData()).isEqualTo(Json.struct("{\"step\":2}"));
            });
  }
}
