package dev.nerve.memory.context;

import dev.nerve.testing.RedisChannelRecorder;
import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.fails;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.DeleteContextRequest;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.ListContextVersionsRequest;
import dev.nerve.api.memory.v1.ListContextsRequest;
import dev.nerve.api.memory.v1.ListContextsResponse;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.UpdateContextRequest;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {
      "nerve.targets=memory",
      // The first call of the JVM may wait for the embedding model to load on a busy machine.
      "nerve.grpc.default-deadline=60s"
    })
class ContextIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired RedisClient redisClient;
  @Autowired StatefulRedisConnection<String, String> redis;
  @Autowired Contexts contexts;
  @Autowired ContextCache cache;

  private ContextServiceGrpc.ContextServiceBlockingStub stub() {
    return ContextServiceGrpc.newBlockingStub(channels.channel(Target.MEMORY));
  }

  static Struct json(String json) {
    return Json.struct(json);
  }

  private Context manage(Identity who, ManageContextRequest request) {
    return as(who, () -> stub().manage(request));
  }

  private Context get(Identity who, String id) {
    return as(who, () -> stub().get(GetContextRequest.newBuilder().setId(id).build()));
  }

  private Context update(Identity who, String id, String patch, Long expected) {
    UpdateContextRequest.Builder request = UpdateContextRequest.newBuilder().setId(id).setMergePatch(json(patch));
    if (expected != null) {
      request.setExpectedVersion(expected);
    }
    return as(who, () -> stub().update(request.build()));
  }

  private long rows(String tenant) {
    return jdbc.sql("SELECT count(*) FROM memory.context_version WHERE tenant_id = ?").param(tenant).query(Long.class).single();
  }

  @Test
  void manageCreatesWithGivenOrGeneratedIdAndReplacesAsNewVersion() {
    Identity alice = user(freshTenant(), "alice");
    Context created =
        manage(
            alice,
            ManageContextRequest.newBuilder()
                .setId("task-42")
                .setKind("task")
                .setScope(MemoryScope.newBuilder().setAgentId("planner"))
                .setData(json("{\"goal\":\"ship\",\"files\":[\"a.java\"]}"))
                .setTokenBudget(1000)
                .build());
    Context generated = manage(alice, ManageContextRequest.newBuilder().setKind("ui").build());
    Context replaced =
        manage(alice, ManageContextRequest.newBuilder().setId("task-42").setKind("task").setData(json("{\"goal\":\"test\"}")).build());

    assertThat(created.getVersion()).isEqualTo(1);
    assertThat(created.getTokenCount()).isPositive();
    assertThat(created.getScope().getAgentId()).isEqualTo("planner");
    assertThat(generated.getId()).hasSize(36);
    assertThat(replaced.getVersion()).isEqualTo(2);
    assertThat(replaced.getCreatedAt()).isEqualTo(created.getCreatedAt());
    assertThat(replaced.getData()).isEqualTo(json("{\"goal\":\"test\"}"));
    assertThat(get(alice, "task-42")).isEqualTo(replaced);
  }

  @Test
  void updateAppliesJsonMergePatchAsNewVersion() {
    Identity alice = user(freshTenant(), "alice");
    manage(
        alice,
        ManageContextRequest.newBuilder()
            .setId("doc")
            .setData(json("{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}"))
            .build());

    // The example of RFC 7386 section 3.
    Context updated =
        update(
            alice,
            "doc",
            "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},\"tags\":[\"example\"]}",
            1L);

    assertThat(updated.getVersion()).isEqualTo(2);
    assertThat(updated.getData())
        .isEqualTo(
            json(
                "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}"));
    assertThat(get(alice, "doc").getData()).isEqualTo(updated.getData());
    Context v1 = as(alice, () -> stub().get(GetContextRequest.newBuilder().setId("doc").setVersion(1).build()));
    assertThat(v1.getData().getFieldsOrThrow("title").getStringValue()).isEqualTo("Goodbye!");
  }

  @Test
  void staleExpectedVersionIsConflictAndChangesNothing() {
    Identity alice = user(freshTenant(), "alice");
    manage(alice, ManageContextRequest.newBuilder().setId("c").setData(json("{\"n\":1}")).build());
    update(alice, "c", "{\"n\":2}", 1L);
    long before = rows(alice.tenantId());

    fails(() -> update(alice, "c", "{\"n\":3}", 1L), ErrorCode.CONFLICT, null);
    fails(
        () -> manage(alice, ManageContextRequest.newBuilder().setId("c").setExpectedVersion(0).build()),
        ErrorCode.CONFLICT,
        null);
    fails(
        () -> as(alice, () -> stub().delete(DeleteContextRequest.newBuilder().setId("c").setExpectedVersion(5).build())),
        ErrorCode.CONFLICT,
        null);

    assertThat(get(alice, "c").getVersion()).isEqualTo(2);
    assertThat(get(alice, "c").getData()).isEqualTo(json("{\"n\":2}"));
    assertThat(rows(alice.tenantId())).isEqualTo(before);
  }

  @Test
  void getReadsThroughTheRedisCacheWhichWritesRefresh() {
    Identity alice = user(freshTenant(), "alice");
    manage(alice, ManageContextRequest.newBuilder().setId("cached").setData(json("{\"a\":1}")).build());
    String key = ContextCache.key(alice.tenantId(), "alice", "cached");
    redis.sync().del(key);
    cache.invalidateLocally(key, 0);

    get(alice, "cached");
    assertThat(redis.sync().get(key)).startsWith("1\n");
    update(alice, "cached", "{\"a\":2}", null);
    assertThat(redis.sync().get(key)).startsWith("2\n");
    // A reader holding the old version cannot put it back over the newer one.
    jdbc.sql("UPDATE memory.context SET data = '{\"a\":99}'::jsonb WHERE tenant_id = ? AND id = 'cached'")
        .param(alice.tenantId())
        .update();
    assertThat(get(alice, "cached").getData()).isEqualTo(json("{\"a\":2}"));
  }

  @Test
  void listPagesWithAStableCursorAndFilters() {
    Identity alice = user(freshTenant(), "alice");
    for (int i = 0; i < 5; i++) {
      manage(alice, ManageContextRequest.newBuilder().setId("ctx-" + i).setKind(i % 2 == 0 ? "task" : "ui").build());
    }
    List<String> seen = new ArrayList<>();
    String cursor = "";
    int pages = 0;
    do {
      String after = cursor;
      ListContextsResponse page =
          as(
              alice,
              () ->
                  stub().list(
                          ListContextsRequest.newBuilder()
                              .setPage(PageRequest.newBuilder().setPageSize(2).setCursor(after))
                              .build()));
      page.getContextsList().forEach(c -> seen.add(c.getId()));
      cursor = page.getPageInfo().getNextCursor();
      pages++;
      if (pages == 1) {
        // A context created between pages sorts first and must not shift later pages.
        manage(alice, ManageContextRequest.newBuilder().setId("late").build());
      }
    } while (!cursor.isEmpty());

    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("ctx-4", "ctx-3", "ctx-2", "ctx-1", "ctx-0");
    List<Context> tasks =
        as(alice, () -> stub().list(ListContextsRequest.newBuilder().setKind("task").build()).getContextsList());
    assertThat(tasks).extracting(Context::getId).containsExactly("ctx-4", "ctx-2", "ctx-0");
  }

  @Test
  void historyListsVersionsNewestFirstAndDeleteRemovesEverything() {
    Identity alice = user(freshTenant(), "alice");
    manage(alice, ManageContextRequest.newBuilder().setId("h").setData(json("{\"v\":1}")).build());
    update(alice, "h", "{\"v\":2}", null);
    update(alice, "h", "{\"v\":3}", null);

    var firstPage =
        as(
            alice,
            () ->
                stub().listVersions(
                        ListContextVersionsRequest.newBuilder()
                            .setId("h")
                            .setPage(PageRequest.newBuilder().setPageSize(2))
                            .build()));
    var secondPage =
        as(
            alice,
            () ->
                stub().listVersions(
                        ListContextVersionsRequest.newBuilder()
                            .setId("h")
                            .setPage(PageRequest.newBuilder().setPageSize(2).setCursor(firstPage.getPageInfo().getNextCursor()))
                            .build()));
    assertThat(firstPage.getVersionsList()).extracting(Context::getVersion).containsExactly(3L, 2L);
    assertThat(secondPage.getVersionsList()).extracting(Context::getVersion).containsExactly(1L);
    assertThat(secondPage.getPageInfo().getHasNextPage()).isFalse();

    as(alice, () -> stub().delete(DeleteContextRequest.newBuilder().setId("h").setExpectedVersion(3).build()));

    fails(() -> get(alice, "h"), ErrorCode.NOT_FOUND, null);
    fails(
        () -> as(alice, () -> stub().listVersions(ListContextVersionsRequest.newBuilder().setId("h").build())),
        ErrorCode.NOT_FOUND,
        null);
    assertThat(rows(alice.tenantId())).isZero();
  }

  @Test
  void expiredContextsDisappearAndArePurged() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    manage(alice, ManageContextRequest.newBuilder().setId("brief").setTtl(Durations.fromMillis(1_500)).build());
    assertThat(get(alice, "brief").hasExpiresAt()).isTrue();

    Thread.sleep(1_700);

    fails(() -> get(alice, "brief"), ErrorCode.NOT_FOUND, null);
    assertThat(contexts.purgeExpired(1000)).isGreaterThanOrEqualTo(1);
    assertThat(rows(alice.tenantId())).isZero();
  }

  @Test
  void writesPublishContextUpdatedEvents() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    try (RedisChannelRecorder events =
        RedisChannelRecorder.subscribe(
            redisClient, MemoryEvents.CHANNEL, message -> message.contains(alice.tenantId()))) {
      manage(alice, ManageContextRequest.newBuilder().setId("e").build());
      update(alice, "e", "{\"x\":1}", null);

      Struct first = Json.struct(events.next(Duration.ofSeconds(5)));
      Struct second = Json.struct(events.next(Duration.ofSeconds(5)));
      assertThat(first.getFieldsOrThrow("type").getStringValue()).isEqualTo("context.updated");
      assertThat(first.getFieldsOrThrow("id").getStringValue()).isEqualTo("e");
      assertThat(second.getFieldsOrThrow("version").getNumberValue()).isEqualTo(2);
    }
  }

  @Test
  void otherUsersAndTenantsCannotSeeAContext() {
    String tenant = freshTenant();
    manage(user(tenant, "alice"), ManageContextRequest.newBuilder().setId("private").build());

    fails(() -> get(user(tenant, "bob"), "private"), ErrorCode.NOT_FOUND, null);
    fails(() -> get(user(freshTenant(), "alice"), "private"), ErrorCode.NOT_FOUND, null);
    fails(() -> update(user(tenant, "bob"), "private", "{}", null), ErrorCode.NOT_FOUND, null);
  }

  @Test
  void badInputIsRejectedNamingTheFieldAndWritesNothing() {
    Identity alice = user(freshTenant(), "alice");
    ListValue.Builder big = ListValue.newBuilder();
    for (int i = 0; i < 7_000; i++) {
      big.addValues(Value.newBuilder().setStringValue("0123456789"));
    }
    Struct oversized = Struct.newBuilder().putFields("big", Value.newBuilder().setListValue(big).build()).build();

    fails(() -> manage(alice, ManageContextRequest.newBuilder().setId("has space").build()), ErrorCode.INVALID_ARGUMENT, "id");
    fails(() -> manage(alice, ManageContextRequest.newBuilder().setId("x").setData(oversized).build()), ErrorCode.INVALID_ARGUMENT, "data");
    fails(
        () -> manage(alice, ManageContextRequest.newBuilder().setId("x").setTokenBudget(2).setData(json("{\"goal\":\"long enough text\"}")).build()),
        ErrorCode.INVALID_ARGUMENT,
        "data");
    fails(() -> manage(alice, ManageContextRequest.newBuilder().setId("x").setTokenBudget(-1).build()), ErrorCode.INVALID_ARGUMENT, "tokenBudget");
    fails(() -> manage(alice, ManageContextRequest.newBuilder().setId("x").setTtl(Durations.fromSeconds(-5)).build()), ErrorCode.INVALID_ARGUMENT, "ttl");
    fails(() -> update(alice, "missing", "{}", null), ErrorCode.NOT_FOUND, null);
    fails(() -> get(alice, ""), ErrorCode.INVALID_ARGUMENT, "id");
    fails(
        () -> as(alice, () -> stub().list(ListContextsRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(501)).build())),
        ErrorCode.INVALID_ARGUMENT,
        "page.pageSize");
    fails(
        () -> as(alice, () -> stub().list(ListContextsRequest.newBuilder().setPage(PageRequest.newBuilder().setCursor("garbage!")).build())),
        ErrorCode.INVALID_ARGUMENT,
        "page.cursor");

    assertThat(rows(alice.tenantId())).isZero();
  }
}
