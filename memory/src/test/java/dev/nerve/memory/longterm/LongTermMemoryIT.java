package dev.nerve.memory.longterm;

import dev.nerve.testing.RedisChannelRecorder;
import static dev.nerve.memory.MemoryTests.admin;
import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.fails;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static dev.nerve.memory.longterm.LongTermFixture.agent;
import static dev.nerve.memory.longterm.LongTermFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.DeleteMemoryRequest;
import dev.nerve.api.memory.v1.ForgetUserRequest;
import dev.nerve.api.memory.v1.ForgetUserResponse;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.ListMemoryVersionsRequest;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.RankingWeights;
import dev.nerve.api.memory.v1.RebuildMemoryIndexRequest;
import dev.nerve.api.memory.v1.RebuildMemoryIndexResponse;
import dev.nerve.api.memory.v1.RetrieveMemoriesRequest;
import dev.nerve.api.memory.v1.ScoreExplanation;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreOutcome;
import dev.nerve.api.memory.v1.TimeRange;
import dev.nerve.api.memory.v1.UpdateMemoryRequest;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
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
class LongTermMemoryIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired RedisClient redisClient;
  @Autowired MemoryMaintenance maintenance;
  @Autowired IndexSync sync;

  LongTermFixture lt;

  @BeforeEach
  void fixture() {
    lt = new LongTermFixture(channels);
  }

  private long rows(String tenant) {
    return jdbc.sql("SELECT count(*) FROM memory.long_term_memory_version WHERE tenant_id = ?")
        .param(tenant)
        .query(Long.class)
        .single();
  }

  @Test
  void storeCreatesAVersionedMemoryWithItsEmbeddingModel() {
    Identity alice = user(freshTenant(), "alice");
    StoreMemoryResponse stored =
        lt.store(
            alice,
            StoreMemoryRequest.newBuilder()
                .setScope(agent("planner"))
                .setText("Alice's manager is Priya Raman")
                .addTags("people")
                .setSource("chat")
                .setImportance(0.9)
                .setMetadata(json("{\"team\":\"platform\"}"))
                .build());

    Memory memory = stored.getMemory();
    assertThat(stored.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_CREATED);
    assertThat(stored.getExistingMemoryId()).isEmpty();
    assertThat(memory.getVersion()).isEqualTo(1);
    assertThat(memory.getEmbeddingModel()).isEqualTo("bge-small-en-v1.5-q");
    assertThat(memory.getEmbeddingDimension()).isEqualTo(384);
    assertThat(memory.getImportance()).isEqualTo(0.9);
    assertThat(as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(memory.getId()).build())))
        .isEqualTo(memory);
  }

  @Test
  void anExactDuplicateInTheSameScopeUpdatesTheExistingMemoryAndKeepsHistory() {
    Identity alice = user(freshTenant(), "alice");
    Memory first =
        lt.store(alice, StoreMemoryRequest.newBuilder().setText("The user prefers dark mode in the code editor").addTags("ui").setImportance(0.3).build())
            .getMemory();

    StoreMemoryResponse again =
        lt.store(alice, StoreMemoryRequest.newBuilder().setText("The user prefers dark mode in the code editor.").addTags("preference").setImportance(0.8).build());
    StoreMemoryResponse otherAgent =
        lt.store(alice, StoreMemoryRequest.newBuilder().setScope(agent("coder")).setText("The user prefers dark mode in the code editor").build());
    StoreMemoryResponse forced =
        lt.store(alice, StoreMemoryRequest.newBuilder().setText("The user prefers dark mode in the code editor").setSkipDeduplication(true).build());

    assertThat(again.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_DEDUPLICATED_EXACT);
    assertThat(again.getExistingMemoryId()).isEqualTo(first.getId());
    assertThat(again.getMemory().getVersion()).isEqualTo(2);
    assertThat(again.getMemory().getTagsList()).containsExactly("ui", "preference");
    assertThat(again.getMemory().getImportance()).isEqualTo(0.8);
    assertThat(otherAgent.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_CREATED);
    assertThat(forced.getOutcome()).isEqualTo(StoreOutcome.STORE_OUTCOME_CREATED);
    List<Memory> versions =
        as(alice, () -> lt.stub().listVersions(ListMemoryVersionsRequest.newBuilder().setId(first.getId()).build()).getVersionsList());
    assertThat(versions).extracting(Memory::getVersion).containsExactly(2L, 1L);
    assertThat(versions.get(1).getText()).isEqualTo("The user prefers dark mode in the code editor");
  }

  @Test
  void hybridSearchFindsKeywordOnlyAndSemanticOnlyHits() {
    Identity alice = user(freshTenant(), "alice");
    Memory invoice = lt.store(alice, "Invoice INV-7781-QX from Contoso was paid in March").getMemory();
    Memory allergy = lt.store(alice, "Alice is allergic to peanuts and shellfish").getMemory();
    lt.store(alice, "The quarterly planning meeting moved to Thursday");
    lt.store(alice, "Bob's favourite programming language is Rust");
    lt.store(alice, "The staging database runs on PostgreSQL 17");

    SearchResult byIdentifier =
        lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("INV-7781-QX").setExplain(true).build());
    SearchResult byMeaning =
        lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("which food gives her a bad reaction").setExplain(true).build());

    assertThat(byIdentifier.getHits(0).getMemory().getId()).isEqualTo(invoice.getId());
    assertThat(byIdentifier.getHits(0).getExplanation().getBm25Rank()).isEqualTo(1);
    assertThat(byMeaning.getHits(0).getMemory().getId()).isEqualTo(allergy.getId());
    ScoreExplanation semantic = byMeaning.getHits(0).getExplanation();
    assertThat(semantic.getBm25Rank()).isZero();
    assertThat(semantic.getVectorRank()).isEqualTo(1);
    assertThat(semantic.getVectorSimilarity()).isGreaterThan(0.2);
  }

  @Test
  void explainReturnsEveryComponentAndMinScoreDropsWeakHits() {
    Identity alice = user(freshTenant(), "alice");
    Memory kubernetes = lt.store(alice, StoreMemoryRequest.newBuilder().setText("The cluster runs Kubernetes 1.31 on three nodes").setImportance(1.0).build()).getMemory();
    lt.store(alice, "Grandma's apple pie recipe needs cinnamon");

    SearchResult explained =
        lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("kubernetes cluster nodes").setExplain(true).build());
    SearchResult plain = lt.search(alice, "kubernetes cluster nodes");
    SearchResult strict =
        lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("kubernetes cluster nodes").setMinScore(0.7).build());

    SearchHit top = explained.getHits(0);
    assertThat(top.getMemory().getId()).isEqualTo(kubernetes.getId());
    ScoreExplanation e = top.getExplanation();
    assertThat(e.getBm25Rank()).isEqualTo(1);
    assertThat(e.getBm25Score()).isPositive();
    assertThat(e.getVectorRank()).isEqualTo(1);
    assertThat(e.getRrfScore()).isCloseTo(2.0 / 61, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(e.getRecency()).isBetween(0.99, 1.0);
    assertThat(e.getImportance()).isEqualTo(1.0);
    // Every query term matched and the nearest vector: relevance near 1 (docs/architecture.md).
    assertThat(e.getRelevance()).isBetween(0.9, 1.0);
    // (relevance + 0.1 * recency + 0.1 * importance) / 1.2.
    assertThat(top.getScore()).isCloseTo((e.getRelevance() + 0.1 * e.getRecency() + 0.1) / 1.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(plain.getHits(0).hasExplanation()).isFalse();
    assertThat(explained.getTotalCandidates()).isEqualTo(2);
    assertThat(strict.getHitsList()).extracting(h -> h.getMemory().getId()).containsExactly(kubernetes.getId());
  }

  @Test
  void aWhenQuestionRaisesTheMemoriesThatSayWhenAndExplainSaysSo() {
    Identity alice = user(freshTenant(), "alice");
    Memory dated =
        lt.store(alice, StoreMemoryRequest.newBuilder().setText("Big news, we adopted a puppy last weekend! We named her Luna.").build()).getMemory();
    Memory callback = lt.store(alice, StoreMemoryRequest.newBuilder().setText("So glad I decided to adopt Luna.").build()).getMemory();

    Map<String, ScoreExplanation> asked = explanations(lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("When did I adopt Luna?").setExplain(true).build()));
    Map<String, ScoreExplanation> told = explanations(lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("adopting Luna").setExplain(true).build()));

    assertThat(asked.get(dated.getId()).getTimeBoosted()).isTrue();
    assertThat(asked.get(callback.getId()).getTimeBoosted()).isFalse();
    assertThat(told.values()).noneMatch(ScoreExplanation::getTimeBoosted);
  }

  @Test
  void aMemoryThatMostlyAsksIsLoweredAndExplainSaysSo() {
    Identity alice = user(freshTenant(), "alice");
    Memory asked = lt.store(alice, StoreMemoryRequest.newBuilder().setText("Congrats on the loft! What do you like about it?").build()).getMemory();
    Memory told = lt.store(alice, StoreMemoryRequest.newBuilder().setText("I like the park right across the street from the loft.").build()).getMemory();

    Map<String, ScoreExplanation> explained =
        explanations(lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("What do I like about the loft?").setExplain(true).build()));

    assertThat(explained.get(asked.getId()).getQuestionLowered()).isTrue();
    assertThat(explained.get(told.getId()).getQuestionLowered()).isFalse();
  }

  private static Map<String, ScoreExplanation> explanations(SearchResult result) {
    Map<String, ScoreExplanation> byId = new HashMap<>();
    result.getHitsList().forEach(hit -> byId.put(hit.getMemory().getId(), hit.getExplanation()));
    return byId;
  }

  @Test
  void filtersNarrowByScopeTagsMetadataTimeAndExpiry() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    Memory a = lt.store(alice, StoreMemoryRequest.newBuilder().setText("deploy checklist for apollo").addTags("project:apollo").addTags("ops").setMetadata(json("{\"env\":\"prod\",\"n\":1}")).build()).getMemory();
    Memory b = lt.store(alice, StoreMemoryRequest.newBuilder().setScope(agent("ops-bot")).setText("deploy checklist for hermes").addTags("project:hermes").addTags("ops").setMetadata(json("{\"env\":\"staging\"}")).build()).getMemory();
    Instant between = Instant.now();
    Thread.sleep(20);
    Memory c = lt.store(alice, StoreMemoryRequest.newBuilder().setText("deploy checklist for zeus").addTags("project:zeus").build()).getMemory();

    SearchMemoriesRequest base = SearchMemoriesRequest.newBuilder().setQuery("deploy checklist").build();
    assertThat(ids(lt.search(alice, base))).containsExactlyInAnyOrder(a.getId(), b.getId(), c.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().setScope(agent("ops-bot")).build()))).containsExactly(b.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().addTagsAny("project:apollo").addTagsAny("project:zeus").build())))
        .containsExactlyInAnyOrder(a.getId(), c.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().addTagsAll("ops").addTagsAll("project:hermes").build()))).containsExactly(b.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().setMetadataEquals(json("{\"env\":\"prod\"}")).build()))).containsExactly(a.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().setMetadataEquals(json("{\"n\":1}")).build()))).containsExactly(a.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().setCreated(TimeRange.newBuilder().setStart(Timestamps.fromMillis(between.toEpochMilli()))).build())))
        .containsExactly(c.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().setUpdated(TimeRange.newBuilder().setEnd(Timestamps.fromMillis(between.toEpochMilli()))).build())))
        .containsExactlyInAnyOrder(a.getId(), b.getId());


    Memory d = lt.store(alice, StoreMemoryRequest.newBuilder().setText("deploy checklist for hades").setExpiresAt(Timestamps.fromMillis(System.currentTimeMillis() + 1_000)).build()).getMemory();
    assertThat(ids(lt.search(alice, base))).contains(d.getId());
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(ids(lt.search(alice, base))).containsExactlyInAnyOrder(a.getId(), b.getId(), c.getId()));
    assertThat(ids(lt.search(alice, base.toBuilder().setIncludeExpired(true).build()))).contains(d.getId());
    fails(() -> as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(d.getId()).build())), ErrorCode.NOT_FOUND, null);

    assertThat(maintenance.run().memoriesPurged()).isGreaterThanOrEqualTo(1);
    assertThat(ids(lt.search(alice, base.toBuilder().setIncludeExpired(true).build()))).doesNotContain(d.getId());
    assertThat(jdbc.sql("SELECT count(*) FROM memory.long_term_memory_version WHERE memory_id = ?::uuid").param(d.getId()).query(Long.class).single()).isZero();
  }

  @Test
  void aMetadataValueLargerThanALuceneTermIsIndexedAndFilterable() {
    Identity alice = user(freshTenant(), "alice");
    // About 40 KB of canonical JSON in one top-level value: over Lucene's 32766-byte term limit,
    // under the 64 KiB metadata limit.
    String big = "{\"blob\":{\"text\":\"" + "x".repeat(40_000) + "\"}}";
    Memory large = lt.store(alice, StoreMemoryRequest.newBuilder().setText("release notes with an attached blob").setMetadata(json(big)).build()).getMemory();
    Memory after = lt.store(alice, StoreMemoryRequest.newBuilder().setText("a later memory about the release").build()).getMemory();

    SearchMemoriesRequest base = SearchMemoriesRequest.newBuilder().setQuery("release").build();
    // Both reach the index: the large value did not stop indexing.
    assertThat(ids(lt.search(alice, base))).containsExactlyInAnyOrder(large.getId(), after.getId());
    assertThat(ids(lt.search(alice, base.toBuilder().setMetadataEquals(json(big)).build()))).containsExactly(large.getId());
    String other = "{\"blob\":{\"text\":\"" + "x".repeat(39_999) + "y\"}}";
    assertThat(ids(lt.search(alice, base.toBuilder().setMetadataEquals(json(other)).build()))).isEmpty();
  }

  @Test
  void pagesAreStableAndCompleteWhileMemoriesAreAdded() {
    Identity alice = user(freshTenant(), "alice");
    List<String> all = new ArrayList<>();
    List<StoreMemoryRequest> requests = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      requests.add(StoreMemoryRequest.newBuilder().setText("standup note number " + i + " about sprint " + (i % 4)).setSkipDeduplication(true).build());
    }
    requests.forEach(r -> all.add(lt.store(alice, r).getMemory().getId()));

    for (String query : List.of("standup sprint note", "")) {
      List<String> seen = new ArrayList<>();
      String cursor = "";
      int pages = 0;
      do {
        SearchResult page =
            lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery(query).setPage(PageRequest.newBuilder().setPageSize(10).setCursor(cursor)).build());
        seen.addAll(ids(page));
        if (pages == 0 && query.isEmpty()) {
          assertThat(page.getTotalCandidates()).isEqualTo(24);
        }
        cursor = page.getPageInfo().getNextCursor();
        assertThat(page.getPageInfo().getHasNextPage()).isEqualTo(!cursor.isEmpty());
        if (pages++ == 0) {
          lt.store(alice, StoreMemoryRequest.newBuilder().setText("a totally unrelated grocery list: milk, eggs").setSkipDeduplication(true).build());
        }
      } while (!cursor.isEmpty());
      assertThat(seen).as(query).doesNotHaveDuplicates().containsAll(all);
    }
  }

  @Test
  void retrieveReturnsTheBestMatchesWithDefaults() {
    Identity alice = user(freshTenant(), "alice");
    Memory dentist = lt.store(alice, "Dentist appointment on the 14th at 9am").getMemory();
    lt.store(alice, "The office wifi password rotates monthly");

    var hits =
        as(alice, () -> lt.stub().retrieve(RetrieveMemoriesRequest.newBuilder().setQuery("when is my dentist visit").setLimit(1).build()).getHitsList());

    assertThat(hits).hasSize(1);
    assertThat(hits.get(0).getMemory().getId()).isEqualTo(dentist.getId());
    assertThat(hits.get(0).hasExplanation()).isFalse();
  }

  @Test
  void updateAndDeleteAreVersionCheckedAndReachTheIndex() {
    Identity alice = user(freshTenant(), "alice");
    Memory memory = lt.store(alice, "Project codename is BLUEFIN").getMemory();
    UpdateMemoryRequest update =
        UpdateMemoryRequest.newBuilder()
            .setMemory(Memory.newBuilder().setId(memory.getId()).setText("Project codename is REDSHARK").addTags("project"))
            .setUpdateMask(FieldMask.newBuilder().addPaths("text").addPaths("tags"))
            .setExpectedVersion(1)
            .build();

    Memory updated = as(alice, () -> lt.stub().update(update));

    assertThat(updated.getVersion()).isEqualTo(2);
    assertThat(updated.getTagsList()).containsExactly("project");
    assertThat(ids(lt.search(alice, "REDSHARK"))).containsExactly(memory.getId());
    assertThat(lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("BLUEFIN").setWeights(RankingWeights.newBuilder().setVectorWeight(0)).build()).getHitsList()).isEmpty();
    fails(() -> as(alice, () -> lt.stub().update(update)), ErrorCode.CONFLICT, null);
    Memory v1 = as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(memory.getId()).setVersion(1).build()));
    assertThat(v1.getText()).isEqualTo("Project codename is BLUEFIN");

    fails(() -> as(alice, () -> lt.stub().delete(DeleteMemoryRequest.newBuilder().setId(memory.getId()).setExpectedVersion(1).build())), ErrorCode.CONFLICT, null);
    as(alice, () -> lt.stub().delete(DeleteMemoryRequest.newBuilder().setId(memory.getId()).setExpectedVersion(2).build()));
    fails(() -> as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(memory.getId()).build())), ErrorCode.NOT_FOUND, null);
    assertThat(lt.search(alice, "REDSHARK").getHitsList()).isEmpty();
    assertThat(rows(alice.tenantId())).isZero();
  }

  @Test
  void tenantsAndUsersNeverSeeEachOthersMemories() {
    String tenant = freshTenant();
    Memory secret = lt.store(user(tenant, "alice"), "Alice's bank PIN hint is her first cat").getMemory();
    lt.store(user(freshTenant(), "alice"), "Other tenant's alice note about a cat");

    assertThat(lt.search(user(tenant, "bob"), "cat PIN hint").getHitsList()).isEmpty();
    assertThat(ids(lt.search(user(tenant, "alice"), "cat PIN hint"))).containsExactly(secret.getId());
    fails(() -> as(user(tenant, "bob"), () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(secret.getId()).build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(user(tenant, "bob"), () -> lt.stub().delete(DeleteMemoryRequest.newBuilder().setId(secret.getId()).build())), ErrorCode.NOT_FOUND, null);
  }

  @Test
  void anotherTenantsWritesLeaveATenantsRankingUnchanged() {
    Identity alice = user(freshTenant(), "alice");
    List<StoreMemoryRequest> notes = new ArrayList<>();
    String[] words = {"garden", "invoice", "deploy", "budget", "dentist", "sprint"};
    for (int i = 0; i < 24; i++) {
      notes.add(
          StoreMemoryRequest.newBuilder()
              .setText("note " + i + " about the " + words[i % 6] + (i % 4 == 0 ? " and the " + words[(i + 1) % 6] : "") + " for week " + (i % 5))
              .build());
    }
    as(alice, () -> lt.stub().storeMany(dev.nerve.api.memory.v1.StoreManyMemoriesRequest.newBuilder().addAllItems(notes).build()));
    List<SearchMemoriesRequest> queries =
        List.of(
            SearchMemoriesRequest.newBuilder().setQuery("garden budget").setExplain(true).setWeights(RankingWeights.newBuilder().setVectorWeight(0)).build(),
            SearchMemoriesRequest.newBuilder().setQuery("deploy invoice week").setExplain(true).setWeights(RankingWeights.newBuilder().setVectorWeight(0)).build(),
            SearchMemoriesRequest.newBuilder().setQuery("dentist sprint").setExplain(true).build());
    List<List<String>> before = new ArrayList<>();
    List<List<Double>> scoresBefore = new ArrayList<>();
    for (SearchMemoriesRequest q : queries) {
      SearchResult result = lt.search(alice, q);
      before.add(ids(result));
      scoresBefore.add(result.getHitsList().stream().map(h -> h.getExplanation().getBm25Score()).toList());
    }

    // Another tenant writes many memories full of the same words (and of words alice never used).
    Identity mallory = user(freshTenant(), "mallory");
    List<StoreMemoryRequest> flood = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      flood.add(StoreMemoryRequest.newBuilder().setText("garden garden budget week " + i + (i % 2 == 0 ? " dentist" : " unrelated words here")).build());
    }
    as(mallory, () -> lt.stub().storeMany(dev.nerve.api.memory.v1.StoreManyMemoriesRequest.newBuilder().addAllItems(flood).build()));

    for (int q = 0; q < queries.size(); q++) {
      SearchResult result = lt.search(alice, queries.get(q));
      assertThat(ids(result)).as(queries.get(q).getQuery()).isEqualTo(before.get(q));
      assertThat(result.getHitsList().stream().map(h -> h.getExplanation().getBm25Score()).toList())
          .as(queries.get(q).getQuery())
          .isEqualTo(scoresBefore.get(q));
    }
    // Mallory's own scores come from mallory's statistics: "garden" is in every one of its memories.
    SearchResult mallorys = lt.search(mallory, queries.get(0));
    assertThat(mallorys.getHits(0).getExplanation().getBm25Score()).isNotEqualTo(scoresBefore.get(0).get(0));
  }

  @Test
  void aUniqueExactMatchRanksFirstInHybridEvenFarDownTheVectorRanking() {
    Identity alice = user(freshTenant(), "alice");
    List<StoreMemoryRequest> notes = new ArrayList<>();
    String[] topics = {"roadmap", "hiring", "budget", "on-call rotation", "release train", "retro actions"};
    for (int i = 0; i < 36; i++) {
      notes.add(StoreMemoryRequest.newBuilder().setText("Platform team planning meeting " + i + ": we discussed the " + topics[i % 6] + " for next quarter").build());
    }
    notes.add(StoreMemoryRequest.newBuilder().setText("Parking permit PX-88213 was renewed at the city office").build());
    var stored = as(alice, () -> lt.stub().storeMany(dev.nerve.api.memory.v1.StoreManyMemoriesRequest.newBuilder().addAllItems(notes).build()));
    String permit = stored.getResults(36).getMemory().getId();

    SearchResult result =
        lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("platform team planning meeting PX-88213").setExplain(true).build());

    SearchHit top = result.getHits(0);
    assertThat(top.getMemory().getId()).isEqualTo(permit);
    assertThat(top.getExplanation().getBm25Rank()).isEqualTo(1);
    // The premise: semantically the note is far from the query, most notes are nearer.
    assertThat(top.getExplanation().getVectorRank()).isGreaterThan(20);
  }

  @Test
  void forgetUserErasesEverythingOfThatUserOnly() {
    String tenant = freshTenant();
    lt.store(user(tenant, "carol"), "Carol lives in Lisbon");
    Memory carolDup = lt.store(user(tenant, "carol"), "Carol lives in Lisbon.").getMemory();
    Memory dave = lt.store(user(tenant, "dave"), "Dave lives in Porto").getMemory();
    // As if carol's memory were waiting for a session-context refresh.
    jdbc.sql("INSERT INTO memory.context_refresh (memory_id, tenant_id) VALUES (?::uuid, ?)").params(carolDup.getId(), tenant).update();

    fails(() -> as(user(tenant, "dave"), () -> lt.stub().forgetUser(ForgetUserRequest.newBuilder().setUserId("carol").build())), ErrorCode.PERMISSION_DENIED, null);
    ForgetUserResponse forgotten = as(admin(tenant, "root"), () -> lt.stub().forgetUser(ForgetUserRequest.newBuilder().setUserId("carol").build()));

    assertThat(forgotten.getUserId()).isEqualTo("carol");
    assertThat(forgotten.getMemoriesDeleted()).isEqualTo(1);
    assertThat(forgotten.getVersionsDeleted()).isEqualTo(1);
    assertThat(carolDup.getVersion()).isEqualTo(2);
    assertThat(lt.search(user(tenant, "carol"), "Lisbon").getHitsList()).isEmpty();
    assertThat(ids(lt.search(user(tenant, "dave"), "Porto"))).containsExactly(dave.getId());
    assertThat(jdbc.sql("SELECT count(*) FROM memory.long_term_memory WHERE tenant_id = ? AND user_id = 'carol'").param(tenant).query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM memory.context_refresh WHERE tenant_id = ?").param(tenant).query(Long.class).single()).isZero();
  }

  @Test
  void aChangedEmbeddingModelIsDetectedAndReembeddedInsteadOfMixingVectors() {
    Identity alice = user(freshTenant(), "alice");
    Memory memory = lt.store(alice, "The garage door code is kept in the password manager").getMemory();
    // Simulate a memory written while another model was configured.
    jdbc.sql(
            "UPDATE memory.long_term_memory SET embedding_model = 'legacy-model', embedding_dimension = 3,"
                + " embedding = decode('0000803f0000000000000000', 'hex') WHERE id = ?::uuid")
        .param(memory.getId())
        .update();
    jdbc.sql("INSERT INTO memory.memory_change (tenant_id, memory_id) VALUES (?, ?::uuid)").params(alice.tenantId(), memory.getId()).update();
    sync.catchUp();
    SearchMemoriesRequest semanticOnly =
        SearchMemoriesRequest.newBuilder().setQuery("how do I open the garage").setWeights(RankingWeights.newBuilder().setKeywordWeight(0)).build();
    assertThat(lt.search(alice, semanticOnly).getHitsList()).isEmpty();
    assertThat(as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(memory.getId()).build())).getEmbeddingModel()).isEqualTo("legacy-model");

    assertThat(maintenance.run().reembedded()).isGreaterThanOrEqualTo(1);

    Memory reembedded = as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId(memory.getId()).build()));
    assertThat(reembedded.getEmbeddingModel()).isEqualTo("bge-small-en-v1.5-q");
    assertThat(reembedded.getEmbeddingDimension()).isEqualTo(384);
    assertThat(reembedded.getVersion()).isEqualTo(1);
    assertThat(ids(lt.search(alice, semanticOnly))).containsExactly(memory.getId());
  }

  @Test
  void rebuildIndexRequiresAdminAndReindexesTheTenant() {
    String tenant = freshTenant();
    lt.store(user(tenant, "alice"), "first memory about rebuilding");
    lt.store(user(tenant, "bob"), "second memory about rebuilding");

    fails(() -> as(user(tenant, "alice"), () -> lt.stub().rebuildIndex(RebuildMemoryIndexRequest.getDefaultInstance())), ErrorCode.PERMISSION_DENIED, null);
    fails(() -> as(admin(tenant, "root"), () -> lt.stub().rebuildIndex(RebuildMemoryIndexRequest.newBuilder().setEmbeddingModel("gpt-embed-9").build())), ErrorCode.INVALID_ARGUMENT, "embeddingModel");
    RebuildMemoryIndexResponse rebuilt = as(admin(tenant, "root"), () -> lt.stub().rebuildIndex(RebuildMemoryIndexRequest.getDefaultInstance()));

    assertThat(rebuilt.getMemoriesIndexed()).isEqualTo(2);
    assertThat(rebuilt.getEmbeddingModel()).isEqualTo("bge-small-en-v1.5-q");
    assertThat(rebuilt.getEmbeddingDimension()).isEqualTo(384);
    assertThat(lt.search(user(tenant, "bob"), "rebuilding").getHitsCount()).isEqualTo(1);
  }

  @Test
  void writesPublishMemoryEvents() throws Exception {
    Identity alice = user(freshTenant(), "alice");
    try (RedisChannelRecorder events =
        RedisChannelRecorder.subscribe(
            redisClient, MemoryEvents.CHANNEL, message -> message.contains(alice.tenantId()))) {
      Memory m = lt.store(alice, "An event-worthy memory").getMemory();
      lt.store(alice, "An event-worthy memory.");
      as(alice, () -> lt.stub().delete(DeleteMemoryRequest.newBuilder().setId(m.getId()).build()));

      List<String> types = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Struct event = Json.struct(events.next(Duration.ofSeconds(5)));
        assertThat(event.getFieldsOrThrow("id").getStringValue()).isEqualTo(m.getId());
        types.add(event.getFieldsOrThrow("type").getStringValue());
      }
      assertThat(types).containsExactly("memory.stored", "memory.updated", "memory.deleted");
    }
  }

  @Test
  void badInputIsRejectedNamingTheFieldAndWritesNothing() {
    Identity alice = user(freshTenant(), "alice");
    Struct huge = Struct.newBuilder().putFields("blob", Value.newBuilder().setStringValue("z".repeat(66_000)).build()).build();
    StoreMemoryRequest ok = StoreMemoryRequest.newBuilder().setText("fine").build();
    List<String> tooManyTags = new ArrayList<>();
    for (int i = 0; i < 65; i++) {
      tooManyTags.add("t" + i);
    }

    fails(() -> lt.store(alice, ok.toBuilder().setText("  ").build()), ErrorCode.INVALID_ARGUMENT, "text");
    fails(() -> lt.store(alice, ok.toBuilder().setText("w".repeat(32_769)).build()), ErrorCode.INVALID_ARGUMENT, "text");
    fails(() -> lt.store(alice, ok.toBuilder().setMetadata(huge).build()), ErrorCode.INVALID_ARGUMENT, "metadata");
    fails(() -> lt.store(alice, ok.toBuilder().setImportance(1.5).build()), ErrorCode.INVALID_ARGUMENT, "importance");
    fails(() -> lt.store(alice, ok.toBuilder().addAllTags(tooManyTags).build()), ErrorCode.INVALID_ARGUMENT, "tags");
    fails(() -> lt.store(alice, ok.toBuilder().addTags("").build()), ErrorCode.INVALID_ARGUMENT, "tags[0]");
    fails(() -> as(alice, () -> lt.stub().retrieve(RetrieveMemoriesRequest.newBuilder().setQuery("x").setLimit(101).build())), ErrorCode.INVALID_ARGUMENT, "limit");
    fails(() -> as(alice, () -> lt.stub().retrieve(RetrieveMemoriesRequest.getDefaultInstance())), ErrorCode.INVALID_ARGUMENT, "query");
    fails(() -> lt.search(alice, SearchMemoriesRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(501)).build()), ErrorCode.INVALID_ARGUMENT, "page.pageSize");
    fails(() -> lt.search(alice, SearchMemoriesRequest.newBuilder().setMinScore(-1).build()), ErrorCode.INVALID_ARGUMENT, "minScore");
    fails(() -> lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("q").setWeights(RankingWeights.newBuilder().setKeywordWeight(0).setVectorWeight(0)).build()), ErrorCode.INVALID_ARGUMENT, "weights");
    fails(
        () -> lt.search(alice, SearchMemoriesRequest.newBuilder().setCreated(TimeRange.newBuilder().setStart(Timestamps.fromSeconds(100)).setEnd(Timestamps.fromSeconds(50))).build()),
        ErrorCode.INVALID_ARGUMENT,
        "created");
    fails(() -> lt.search(alice, SearchMemoriesRequest.newBuilder().setQuery("q").setPage(PageRequest.newBuilder().setCursor("bm9wZQ")).build()), ErrorCode.INVALID_ARGUMENT, "page.cursor");
    fails(() -> as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId("not-a-uuid").build())), ErrorCode.NOT_FOUND, null);
    fails(() -> as(alice, () -> lt.stub().get(GetMemoryRequest.newBuilder().setId("0b7a3f7e-44a5-4a2b-9a59-3f1c2e1d0c9b").build())), ErrorCode.NOT_FOUND, null);
    fails(
        () -> as(alice, () -> lt.stub().update(UpdateMemoryRequest.newBuilder().setMemory(Memory.newBuilder().setId("0b7a3f7e-44a5-4a2b-9a59-3f1c2e1d0c9b")).setUpdateMask(FieldMask.newBuilder().addPaths("version")).build())),
        ErrorCode.INVALID_ARGUMENT,
        "updateMask.paths[0]");

    assertThat(rows(alice.tenantId())).isZero();
  }

  private static List<String> ids(SearchResult result) {
    return result.getHitsList().stream().map(h -> h.getMemory().getId()).toList();
  }
}
