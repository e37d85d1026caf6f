package dev.nerve.memory.shortterm;

import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.fails;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import dev.nerve.api.memory.v1.ClearShortTermItemsRequest;
import dev.nerve.api.memory.v1.ClearShortTermItemsResponse;
import dev.nerve.api.memory.v1.ListMemoriesRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.MessageRole;
import dev.nerve.api.memory.v1.RetrieveShortTermItemsRequest;
import dev.nerve.api.memory.v1.ShortTermHit;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.StoreShortTermItemRequest;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=memory",
      // The first call of the JVM may wait for the embedding model to load on a busy machine.
      "nerve.grpc.default-deadline=60s"
    })
class ShortTermMemoryIT {

  @Autowired ChannelFactory channels;
  @Autowired StatefulRedisConnection<String, String> redis;

  private ShortTermMemoryServiceGrpc.ShortTermMemoryServiceBlockingStub stub() {
    return ShortTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
  }

  private static MemoryScope session(String id) {
    return MemoryScope.newBuilder().setAgentId("chat").setSessionId(id).build();
  }

  private ShortTermItem store(Identity who, MemoryScope scope, String text) {
    return store(who, scope, text, request -> request);
  }

  /** Stores with extra request fields set by {@code more} (role, metadata, TTL). */
  private ShortTermItem store(
      Identity who,
      MemoryScope scope,
      String text,
      UnaryOperator<StoreShortTermItemRequest.Builder> more) {
    return as(
        who,
        () ->
            stub().store(
                    more.apply(StoreShortTermItemRequest.newBuilder().setScope(scope).setText(text)).build()));
  }

  private List<ShortTermHit> retrieve(Identity who, MemoryScope scope, String query, int limit) {
    return as(
        who,
        () ->
            stub().retrieve(
                    RetrieveShortTermItemsRequest.newBuilder().setScope(scope).setQuery(query).setLimit(limit).build())
                .getHitsList());
  }

  @Test
  void storeReturnsTheItemWithIdAndExpiryAndKeepsMetadata() {
    Identity alice = user(freshTenant(), "alice");
    Struct metadata = Struct.newBuilder().putFields("messageId", Value.newBuilder().setStringValue("m-1").build()).build();

    ShortTermItem item =
        store(
            alice,
            session("s1"),
            "hello there",
            request -> request.setRole(MessageRole.MESSAGE_ROLE_USER).setMetadata(metadata));

    assertThat(item.getId()).isNotEmpty();
    assertThat(item.getExpiresAt().getSeconds() - item.getCreatedAt().getSeconds()).isEqualTo(24 * 3600);
    List<ShortTermHit> hits = retrieve(alice, session("s1"), "", 10);
    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).getItem()).isEqualTo(item);
  }

  @Test
  void retrieveRanksByRelevanceBlendedWithRecencyAndEmptyQueryByRecency() {
    Identity alice = user(freshTenant(), "alice");
    store(alice, session("s1"), "the deploy of apollo failed with exit code 137");
    store(alice, session("s1"), "lunch is at noon");
    store(alice, session("s1"), "apollo deploy retried and succeeded");
    store(alice, session("s1"), "weather is sunny");

    List<ShortTermHit> hits = retrieve(alice, session("s1"), "apollo deploy failed", 10);

    assertThat(hits).extracting(h -> h.getItem().getText())
        .containsExactly("the deploy of apollo failed with exit code 137", "apollo deploy retried and succeeded");
    assertThat(hits.get(0).getScore()).isGreaterThan(hits.get(1).getScore()).isLessThanOrEqualTo(1.0);
    assertThat(retrieve(alice, session("s1"), "", 2)).extracting(h -> h.getItem().getText())
        .containsExactly("weather is sunny", "apollo deploy retried and succeeded");
  }

  @Test
  void capEvictsTheOldestItemsEvenUnderConcurrentWriters() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> writes = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      writes.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 60; i++) {
                  store(alice, session("busy"), "note " + thread + "-" + i);
                }
              }));
    }
    for (Future<?> write : writes) {
      write.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    String key =
        ShortTermKeys.items(new dev.nerve.memory.support.Owner(alice.tenantId(), "alice", "chat", "busy"));
    assertThat(redis.sync().llen(key)).isEqualTo(200);
    List<ShortTermHit> newest = retrieve(alice, session("busy"), "", 100);
    assertThat(newest).hasSize(100);
    // Each writer's last note survives; 40 of the oldest were evicted, nothing duplicated.
    List<String> all = new ArrayList<>();
    redis.sync().lrange(key, 0, -1).forEach(raw -> all.add(ShortTermStore.parse(raw).getText()));
    assertThat(all).hasSize(200).doesNotHaveDuplicates();
    for (int t = 0; t < 4; t++) {
      assertThat(all).contains("note " + t + "-59");
    }
  }

  @Test
  void sessionsExpireThroughRedisTtlAndWritesRefreshIt() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    store(alice, session("short"), "fleeting thought", request -> request.setTtl(Durations.fromMillis(1_500)));
    String key = ShortTermKeys.items(new dev.nerve.memory.support.Owner(alice.tenantId(), "alice", "chat", "short"));
    assertThat(redis.sync().pttl(key)).isBetween(1L, 1_500L);
    store(alice, session("short"), "refreshing write"); // default TTL, longer: refreshes the session
    assertThat(redis.sync().pttl(key)).isGreaterThan(3_600_000L);

    Thread.sleep(1_700);

    // The short-lived item is gone although its session lives on.
    assertThat(retrieve(alice, session("short"), "", 10)).extracting(h -> h.getItem().getText())
        .containsExactly("refreshing write");
    redis.sync().pexpire(key, 50);
    Thread.sleep(200);
    assertThat(redis.sync().exists(key)).isZero();
    assertThat(retrieve(alice, session("short"), "", 10)).isEmpty();
  }

  @Test
  void clearDeletesOnlyTheScopeAndReportsTheCount() {
    Identity alice = user(freshTenant(), "alice");
    store(alice, session("a"), "one");
    store(alice, session("a"), "two");
    store(alice, session("b"), "three");

    ClearShortTermItemsResponse cleared =
        as(alice, () -> stub().clear(ClearShortTermItemsRequest.newBuilder().setScope(session("a")).build()));

    assertThat(cleared.getClearedCount()).isEqualTo(2);
    assertThat(cleared.getPromotedCount()).isZero();
    assertThat(retrieve(alice, session("a"), "", 10)).isEmpty();
    assertThat(retrieve(alice, MemoryScope.getDefaultInstance(), "", 10)).extracting(h -> h.getItem().getText())
        .containsExactly("three");
  }

  @Test
  void clearWithPromoteConsolidatesIntoLongTermMemoryWithDedupe() {
    Identity alice = user(freshTenant(), "alice");
    store(alice, session("p"), "My favourite editor is Helix with the gruvbox theme");
    store(alice, session("p"), "The quarterly report for project Zephyr is due on Friday");
    store(alice, session("p"), "The quarterly report for project Zephyr is due on Friday.");

    ClearShortTermItemsResponse cleared =
        as(
            alice,
            () -> stub().clear(ClearShortTermItemsRequest.newBuilder().setScope(session("p")).setPromote(true).build()));

    assertThat(cleared.getClearedCount()).isEqualTo(3);
    assertThat(cleared.getPromotedCount()).isEqualTo(2);
    assertThat(cleared.getDeduplicatedCount()).isEqualTo(1);
    assertThat(retrieve(alice, session("p"), "", 10)).isEmpty();
    List<Memory> memories =
        as(
            alice,
            () ->
                LongTermMemoryServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY))
                    .list(ListMemoriesRequest.newBuilder().setScope(session("p")).build())
                    .getMemoriesList());
    assertThat(memories).hasSize(2);
    assertThat(memories).allSatisfy(m -> assertThat(m.getSource()).isEqualTo("short_term"));
    assertThat(memories).filteredOn(m -> m.getText().contains("Zephyr")).singleElement()
        .satisfies(m -> assertThat(m.getVersion()).isEqualTo(2));
  }

  @Test
  void usersAndTenantsNeverSeeEachOthersItems() {
    String tenant = freshTenant();
    store(user(tenant, "alice"), session("s"), "alice secret plan");
    store(user(freshTenant(), "alice"), session("s"), "other tenant plan");

    assertThat(retrieve(user(tenant, "bob"), session("s"), "plan", 10)).isEmpty();
    assertThat(retrieve(user(tenant, "alice"), session("s"), "plan", 10)).extracting(h -> h.getItem().getText())
        .containsExactly("alice secret plan");
  }

  @Test
  void badInputIsRejectedNamingTheFieldAndWritesNothing() {
    Identity alice = user(freshTenant(), "alice");
    fails(() -> store(alice, session("bad"), ""), ErrorCode.INVALID_ARGUMENT, "text");
    fails(() -> store(alice, session("bad"), "x".repeat(32_769)), ErrorCode.INVALID_ARGUMENT, "text");
    Struct huge =
        Struct.newBuilder().putFields("blob", Value.newBuilder().setStringValue("y".repeat(70_000)).build()).build();
    fails(
        () -> store(alice, session("bad"), "ok", request -> request.setMetadata(huge)),
        ErrorCode.INVALID_ARGUMENT,
        "metadata");
    fails(
        () -> store(alice, session("bad"), "ok", request -> request.setTtl(Durations.fromDays(31))),
        ErrorCode.INVALID_ARGUMENT,
        "ttl");
    fails(() -> store(alice, MemoryScope.newBuilder().setSessionId("has space").build(), "ok"),
        ErrorCode.INVALID_ARGUMENT, "scope.sessionId");
    fails(() -> retrieve(alice, session("bad"), "", 101), ErrorCode.INVALID_ARGUMENT, "limit");

    assertThat(retrieve(alice, MemoryScope.getDefaultInstance(), "", 100)).isEmpty();
  }
}
