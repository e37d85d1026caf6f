package dev.nerve.memory.longterm;

import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.fails;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static dev.nerve.memory.longterm.LongTermFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.nerve.api.memory.v1.DedupeMode;
import dev.nerve.api.memory.v1.DedupePolicy;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.ListMemoryVersionsRequest;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreManyMemoriesRequest;
import dev.nerve.api.memory.v1.StoreManyMemoriesResponse;
import dev.nerve.api.memory.v1.StoreManyResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreOutcome;
import dev.nerve.api.memory.v1.TimeRange;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Stores never silently overwrite (issue: distinct turns merged at cosine 0.95) and history can be
 * imported with its own time, one call per batch.
 */
@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=memory", "nerve.grpc.default-deadline=60s"})
class StoreDedupeAndImportIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;

  LongTermFixture lt;

  @BeforeEach
  void fixture() {
    lt = new LongTermFixture(channels);
  }

  private static MemoryScope chat(String session) {
    return MemoryScope.newBuilder().setSessionId(session).build();
  }

  private static StoreMemoryRequest turn(String session, String text) {
    return StoreMemoryRequest.newBuilder().setScope(chat(session)).setText(text).build();
  }

  private static Timestamp at(String instant) {
    return Timestamps.fromMillis(Instant.parse(instant).toEpochMilli());
  }

  private List<Memory> versions(Identity who, String id) {
    return as(who, () -> lt.stub().listVersions(ListMemoryVersionsRequest.newBuilder().setId(id).build()).getVersionsList());
  }

  @Test
  void distinctTextsAreNeverMergedByDefaultHoweverSimilar() {
    Identity ann = user(freshTenant(), "ann");
    StoreMemoryResponse first = lt.store(ann, turn("chat-26", "Ann: Totally! Bye Ben!"));
    StoreMemoryResponse second = lt.store(ann, turn("chat-26", "Ben: Bye Ann!"));
    StoreMemoryResponse third = lt.store(ann, turn("chat-26", "Ben: Bye Ann! See you soon"));
    StoreMemoryResponse paraphrase = lt.store(ann, turn("chat-26", "The user prefers dark mode in the editor"));
    StoreMemoryResponse paraphrase2 = lt.store(ann, turn("chat-26", "The user likes dark mode in the editor"));

    assertThat(List.of(first, second, third, paraphrase, paraphrase2))
        .extracting(StoreMemoryResponse::getOutcome)
        .containsOnly(StoreOutcome.STORE_OUTCOME_CREATED);
    assertThat(List.of(first, second, third, paraphrase, paraphrase2))
        .extracting(r -> r.getMemory().getId())
        .doesNotHaveDuplicates();
    Memory stillFirst = as(ann, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(first.getMemory().getId()).build()));
    assertThat(stillFirst.getText()).isEqualTo("Ann: Totally! Bye Ben!");
    assertThat(stillFirst.getVersion()).isEqualTo(1);
  }

  @Test
  void theSameTextWithOtherMetadataOrAnotherEventTimeIsAnotherMemory() {
    Identity ann = user(freshTenant(), "ann");
    StoreMemoryRequest bye = turn("chat-1", "Ben: Bye!").toBuilder().setMetadata(json("{\"turn\":\"D1:9\"}")).build();
    StoreMemoryResponse first = lt.store(ann, bye);
    StoreMemoryResponse otherTurn = lt.store(ann, bye.toBuilder().setMetadata(json("{\"turn\":\"D4:12\"}")).build());
    StoreMemoryResponse otherTime =
        lt.store(ann, turn("chat-1", "Ben: Bye!").toBuilder().setOccurredAt(at("2023-05-08T13:56:00Z")).build());
    StoreMemoryResponse sameAgain = lt.store(ann, bye.toBuilder().addTags("farewell").build());

    assertThat(otherTurn.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_CREATED);
    assertThat(otherTime.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_CREATED);
    assertThat(sameAgain.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_DEDUPLICATED_EXACT);
    assertThat(sameAgain.getExistingMemoryId()).isEqualTo(first.getMemory().getId());
    assertThat(otherTurn.getMemory().getMetadata().getFieldsOrThrow("turn").getStringValue()).isEqualTo("D4:12");
  }

  @Test
  void anExactDuplicateKeepsItsTextAndTheMergeIsInTheHistory() {
    Identity ann = user(freshTenant(), "ann");
    Memory first =
        lt.store(ann, StoreMemoryRequest.newBuilder().setText("Dentist on Friday at 9").addTags("health").setImportance(0.2).build())
            .getMemory();

    StoreMemoryResponse again =
        lt.store(ann, StoreMemoryRequest.newBuilder().setText("dentist on friday, at 9!").addTags("calendar").setImportance(0.7).build());

    assertThat(again.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_DEDUPLICATED_EXACT);
    assertThat(again.getMemory().getText()).isEqualTo("Dentist on Friday at 9");
    assertThat(again.getMemory().getTagsList()).containsExactly("health", "calendar");
    assertThat(again.getMemory().getImportance()).isEqualTo(0.7);
    List<Memory> history = versions(ann, first.getId());
    assertThat(history).extracting(Memory::getVersion).containsExactly(2L, 1L);
    assertThat(history.get(1).getTagsList()).containsExactly("health");
    assertThat(history.get(1).getImportance()).isEqualTo(0.2);
  }

  @Test
  void semanticDedupeIsOptInAndKeepsWhatItReplacedInTheHistory() {
    Identity ann = user(freshTenant(), "ann");
    Memory first = lt.store(ann, StoreMemoryRequest.newBuilder().setText("The user prefers dark mode in the code editor").build()).getMemory();
    DedupePolicy semantic = DedupePolicy.newBuilder().setMode(DedupeMode.DEDUPE_MODE_SEMANTIC).setThreshold(0.8).build();

    StoreMemoryResponse merged =
        lt.store(ann, StoreMemoryRequest.newBuilder().setText("The user likes dark mode in the code editor").setDedupe(semantic).build());
    StoreMemoryResponse off =
        lt.store(ann, StoreMemoryRequest.newBuilder().setText("The user likes dark mode in the code editor").setDedupe(DedupePolicy.newBuilder().setMode(DedupeMode.DEDUPE_MODE_OFF)).build());

    assertThat(merged.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_DEDUPLICATED_UPDATED);
    assertThat(merged.getExistingMemoryId()).isEqualTo(first.getId());
    assertThat(merged.getMemory().getText()).isEqualTo("The user likes dark mode in the code editor");
    Memory v1 = as(ann, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(first.getId()).setVersion(1).build()));
    assertThat(v1.getText()).isEqualTo("The user prefers dark mode in the code editor");
    assertThat(off.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_CREATED);
  }

  @Test
  void badDedupeAndEventTimesAreRefusedNamingTheField() {
    Identity ann = user(freshTenant(), "ann");
    StoreMemoryRequest ok = StoreMemoryRequest.newBuilder().setText("fine").build();

    fails(() -> lt.store(ann, ok.toBuilder().setDedupe(DedupePolicy.newBuilder().setMode(DedupeMode.DEDUPE_MODE_EXACT).setThreshold(0.9)).build()), ErrorCode.INVALID_ARGUMENT, "dedupe.threshold");
    fails(() -> lt.store(ann, ok.toBuilder().setDedupe(DedupePolicy.newBuilder().setMode(DedupeMode.DEDUPE_MODE_SEMANTIC).setThreshold(1.5)).build()), ErrorCode.INVALID_ARGUMENT, "dedupe.threshold");
    fails(() -> lt.store(ann, ok.toBuilder().setSkipDeduplication(true).setDedupe(DedupePolicy.newBuilder().setMode(DedupeMode.DEDUPE_MODE_SEMANTIC)).build()), ErrorCode.INVALID_ARGUMENT, "skipDeduplication");
    fails(() -> lt.store(ann, ok.toBuilder().setOccurredAt(Timestamps.fromMillis(System.currentTimeMillis() + Duration.ofDays(3).toMillis())).build()), ErrorCode.INVALID_ARGUMENT, "occurredAt");
    fails(() -> lt.store(ann, ok.toBuilder().setOccurredAt(Timestamp.newBuilder().setSeconds(1).setNanos(-5)).build()), ErrorCode.INVALID_ARGUMENT, "occurredAt");
    fails(() -> lt.store(ann, ok.toBuilder().setRequestId("x".repeat(129)).build()), ErrorCode.INVALID_ARGUMENT, "requestId");

    assertThat(jdbc.sql("SELECT count(*) FROM memory.long_term_memory WHERE tenant_id = ?").param(ann.tenantId()).query(Long.class).single()).isZero();
  }

  @Test
  void occurredAtRoundTripsAndDrivesFiltersOrderAndRecency() {
    Identity ann = user(freshTenant(), "ann");
    Instant before = Instant.now();
    Memory may = lt.store(ann, turn("chat-3", "Ann: I went to the pottery class yesterday").toBuilder().setOccurredAt(at("2023-05-08T13:56:00Z")).build()).getMemory();
    Memory june = lt.store(ann, turn("chat-3", "Ann: I went to the pottery class again today").toBuilder().setOccurredAt(at("2023-06-20T10:00:00Z")).build()).getMemory();
    Memory now = lt.store(ann, turn("chat-3", "Ann: the pottery class is closed this week")).getMemory();

    assertThat(may.getOccurredAt()).isEqualTo(at("2023-05-08T13:56:00Z"));
    assertThat(Timestamps.toMillis(may.getCreatedAt())).isGreaterThanOrEqualTo(before.toEpochMilli() - 1);
    assertThat(now.getOccurredAt()).isEqualTo(now.getCreatedAt());
    assertThat(as(ann, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(may.getId()).build())).getOccurredAt())
        .isEqualTo(at("2023-05-08T13:56:00Z"));

    SearchMemoriesRequest pottery = SearchMemoriesRequest.newBuilder().setQuery("pottery class").setExplain(true).build();
    SearchResult inMay =
        lt.search(ann, pottery.toBuilder().setOccurred(TimeRange.newBuilder().setStart(at("2023-05-01T00:00:00Z")).setEnd(at("2023-06-01T00:00:00Z"))).build());
    assertThat(ids(inMay)).containsExactly(may.getId());
    SearchResult sinceJune = lt.search(ann, pottery.toBuilder().setOccurred(TimeRange.newBuilder().setStart(at("2023-06-01T00:00:00Z"))).build());
    assertThat(ids(sinceJune)).containsExactlyInAnyOrder(june.getId(), now.getId());

    // Recency is the age of the event, not of the store.
    SearchResult all = lt.search(ann, pottery);
    double mayRecency = explanation(all, may.getId()).getExplanation().getRecency();
    double juneRecency = explanation(all, june.getId()).getExplanation().getRecency();
    assertThat(mayRecency).isLessThan(juneRecency);
    assertThat(juneRecency).isLessThan(0.01);
    assertThat(explanation(all, now.getId()).getExplanation().getRecency()).isGreaterThan(0.99);

    // Without a query, newest event first.
    assertThat(ids(lt.search(ann, SearchMemoriesRequest.getDefaultInstance()))).containsExactly(now.getId(), june.getId(), may.getId());
  }

  @Test
  void storeManyReportsEachItemAndOneBadItemDoesNotFailTheRest() {
    Identity ann = user(freshTenant(), "ann");
    StoreManyMemoriesRequest batch =
        StoreManyMemoriesRequest.newBuilder()
            .addItems(turn("chat-9", "Ann: Hi Ben!").toBuilder().setOccurredAt(at("2023-05-08T13:56:00Z")))
            .addItems(turn("chat-9", " "))
            .addItems(turn("chat-9", "Ben: Hi Ann! How was the race?").toBuilder().setOccurredAt(at("2023-05-08T13:56:01Z")))
            .addItems(turn("chat-9", "Ann: hi, Ben").toBuilder().setOccurredAt(at("2023-05-08T13:56:00Z")))
            .addItems(turn("bad session!", "Ben: wrong scope"))
            .build();

    StoreManyMemoriesResponse response = as(ann, () -> lt.stub().storeMany(batch));

    assertThat(response.getResultsList()).extracting(StoreManyResult::getIndex).containsExactly(0, 1, 2, 3, 4);
    assertThat(response.getResultsList())
        .extracting(StoreManyResult::getOutcome)
        .containsExactly(
            StoreOutcome.STORE_OUTCOME_CREATED,
            StoreOutcome.STORE_OUTCOME_FAILED,
            StoreOutcome.STORE_OUTCOME_CREATED,
            StoreOutcome.STORE_OUTCOME_DEDUPLICATED_EXACT,
            StoreOutcome.STORE_OUTCOME_FAILED);
    assertThat(response.getStored()).isEqualTo(3);
    assertThat(response.getFailed()).isEqualTo(2);
    assertThat(response.getResults(1).getError().getCode()).isEqualTo("INVALID_ARGUMENT");
    assertThat(response.getResults(1).getError().getViolations(0).getField()).isEqualTo("text");
    assertThat(response.getResults(1).hasMemory()).isFalse();
    assertThat(response.getResults(4).getError().getViolations(0).getField()).isEqualTo("scope.sessionId");
    assertThat(response.getResults(3).getExistingMemoryId()).isEqualTo(response.getResults(0).getMemory().getId());
    assertThat(response.getResults(2).getMemory().getOccurredAt()).isEqualTo(at("2023-05-08T13:56:01Z"));
    assertThat(ids(lt.search(ann, SearchMemoriesRequest.newBuilder().setScope(chat("chat-9")).build()))).hasSize(2);
  }

  @Test
  void storeManyAllOrNothingStoresNothingWhenOneItemIsBad() {
    Identity ann = user(freshTenant(), "ann");
    StoreManyMemoriesRequest batch =
        StoreManyMemoriesRequest.newBuilder()
            .setAllOrNothing(true)
            .addItems(turn("chat-9", "Ann: Hi Ben!"))
            .addItems(turn("chat-9", "Ben: hi").toBuilder().setImportance(7))
            .build();

    fails(() -> as(ann, () -> lt.stub().storeMany(batch)), ErrorCode.INVALID_ARGUMENT, "items[1].importance");
    StoreManyMemoriesRequest.Builder tooMany = StoreManyMemoriesRequest.newBuilder();
    for (int i = 0; i <= BatchStore.MAX_ITEMS; i++) {
      tooMany.addItems(turn("chat-9", "turn " + i));
    }
    fails(() -> as(ann, () -> lt.stub().storeMany(tooMany.build())), ErrorCode.INVALID_ARGUMENT, "items");
    fails(() -> as(ann, () -> lt.stub().storeMany(StoreManyMemoriesRequest.getDefaultInstance())), ErrorCode.INVALID_ARGUMENT, "items");

    assertThat(jdbc.sql("SELECT count(*) FROM memory.long_term_memory WHERE tenant_id = ?").param(ann.tenantId()).query(Long.class).single()).isZero();
  }

  private static SearchHit explanation(SearchResult result, String id) {
    return result.getHitsList().stream().filter(h -> h.getMemory().getId().equals(id)).findFirst().orElseThrow();
  }

  private static List<String> ids(SearchResult result) {
    return result.getHitsList().stream().map(h -> h.getMemory().getId()).toList();
  }
}
