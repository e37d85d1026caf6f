package dev.nerve.memory.longterm;

import static dev.nerve.memory.MemoryTests.as;
import static dev.nerve.memory.MemoryTests.freshTenant;
import static dev.nerve.memory.MemoryTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.Timestamps;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.StoreManyMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.UpdateMemoryRequest;
import dev.nerve.memory.MemoryTestApplication;
import dev.nerve.memory.embedding.Embedder;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A memory in a session is embedded with the memory before it in that session (its turn's
 * context), whether that one came earlier in the same call or was stored before, in the order the
 * turns occurred, never with another session's, user's or tenant's memory; a text update
 * re-embeds it the same way. Whatever the order or concurrency of the writes, each turn ends up
 * read by the turn after it: a turn stored late, changed or deleted re-embeds the turn after it. Vectors are compared with the real model's vectors of the expected
 * texts: the stored one must be nearer the text with its context than the text alone.
 */
@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    // Maintenance runs only when a test calls it.
    properties = {"nerve.targets=memory", "nerve.grpc.default-deadline=60s", "nerve.memory.long-term.purge-interval=1h"})
class SessionContextIT {

  private static final String QUESTION = "Ben: Why did you take up pottery?";
  private static final String ANSWER = "Ann: It calms me down after long shifts.";
  private static final String REPLY = "Ben: That sounds lovely, I should try it.";

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired Embedder embedder;
  @Autowired MemoryMaintenance maintenance;
  @Autowired MemoryRepository repository;
  @Autowired Reembedder reembedder;
  @Autowired org.springframework.transaction.support.TransactionTemplate tx;

  LongTermFixture lt;
  Identity ann;
  String session;

  @BeforeEach
  void fixture() {
    lt = new LongTermFixture(channels);
    ann = user(freshTenant(), "ann");
    session = "chat-" + UUID.randomUUID();
  }

  private StoreMemoryRequest turn(String session, String text, String at) {
    return StoreMemoryRequest.newBuilder()
        .setScope(MemoryScope.newBuilder().setSessionId(session))
        .setText(text)
        .setOccurredAt(Timestamps.fromMillis(Instant.parse(at).toEpochMilli()))
        .build();
  }

  private List<Memory> storeMany(Identity who, StoreMemoryRequest... items) {
    return as(who, () -> lt.stub().storeMany(StoreManyMemoriesRequest.newBuilder().addAllItems(List.of(items)).build()))
        .getResultsList().stream().map(r -> r.getMemory()).toList();
  }

  /** The question, answer and reply one minute apart, stored in one call. */
  private List<Memory> questionAnswerReply() {
    return storeMany(ann,
        turn(session, QUESTION, "2024-05-01T10:00:00Z"),
        turn(session, ANSWER, "2024-05-01T10:01:00Z"),
        turn(session, REPLY, "2024-05-01T10:02:00Z"));
  }

  @Test
  void aTurnIsEmbeddedAfterTheTurnBeforeItFromTheSameCallOrAnEarlierOne() {
    List<Memory> first = storeMany(ann, turn(session, QUESTION, "2024-05-01T10:00:00Z"), turn(session, ANSWER, "2024-05-01T10:01:00Z"));
    Memory reply = lt.store(ann, turn(session, REPLY, "2024-05-01T10:02:00Z")).getMemory();

    assertEmbeddedAs(first.get(0).getId(), QUESTION, null);
    assertEmbeddedAs(first.get(1).getId(), QUESTION + "\n" + ANSWER, ANSWER);
    assertEmbeddedAs(reply.getId(), ANSWER + "\n" + REPLY, REPLY);
  }

  @Test
  void theTurnBeforeIsTheOneThatOccurredBeforeNotTheOneStoredBefore() {
    Memory late = lt.store(ann, turn(session, REPLY, "2024-05-01T12:00:00Z")).getMemory();
    Memory early = lt.store(ann, turn(session, QUESTION, "2024-05-01T09:00:00Z")).getMemory();
    Memory between = lt.store(ann, turn(session, ANSWER, "2024-05-01T10:00:00Z")).getMemory();

    assertEmbeddedAs(early.getId(), QUESTION, null);
    assertEmbeddedAs(between.getId(), QUESTION + "\n" + ANSWER, ANSWER);
    // Stored first, it was embedded alone; each turn stored before it later re-embedded it.
    assertEmbeddedAs(late.getId(), ANSWER + "\n" + REPLY, REPLY);
    assertThat(marks()).as("marks left").isZero();
  }

  @Test
  void turnsSentInReverseOrderInOneCallEachReadTheTurnBeforeThem() {
    List<Memory> stored = storeMany(ann,
        turn(session, REPLY, "2024-05-01T10:02:00Z"),
        turn(session, ANSWER, "2024-05-01T10:01:00Z"),
        turn(session, QUESTION, "2024-05-01T10:00:00Z"));

    assertEmbeddedAs(stored.get(2).getId(), QUESTION, null);
    assertEmbeddedAs(stored.get(1).getId(), QUESTION + "\n" + ANSWER, ANSWER);
    assertEmbeddedAs(stored.get(0).getId(), ANSWER + "\n" + REPLY, REPLY);
  }

  @Test
  void turnsStoredConcurrentlyEachEndUpReadingTheTurnBeforeThem() throws Exception {
    int count = 16;
    List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      texts.add((i % 2 == 0 ? "Ben" : "Ann") + ": turn " + i + " about " + List.of("pottery", "trains", "rain", "bread").get(i % 4));
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Memory>> futures = new java.util.ArrayList<>();
      // Later turns first, eight at a time: most find the turn before them missing or uncommitted.
      for (int i = count - 1; i >= 0; i--) {
        String at = Instant.parse("2024-05-01T10:00:00Z").plusSeconds(i).toString();
        StoreMemoryRequest request = turn(session, texts.get(i), at);
        futures.add(pool.submit(() -> lt.store(ann, request).getMemory()));
      }
      List<Memory> stored = new java.util.ArrayList<>();
      for (var f : futures) {
        stored.add(0, f.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      // A refresh skips a memory another write holds and leaves it marked for maintenance.
      maintenance.run();
      assertThat(marks()).as("marks left").isZero();
      assertEmbeddedAs(stored.get(0).getId(), texts.get(0), null);
      for (int i = 1; i < count; i++) {
        assertEmbeddedAs(stored.get(i).getId(), texts.get(i - 1) + "\n" + texts.get(i), texts.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deletingOrRewritingATurnReEmbedsTheTurnAfterIt() {
    List<Memory> stored = questionAnswerReply();

    as(ann, () -> lt.stub().delete(dev.nerve.api.memory.v1.DeleteMemoryRequest.newBuilder().setId(stored.get(1).getId()).build()));
    assertEmbeddedAs(stored.get(2).getId(), QUESTION + "\n" + REPLY, REPLY);

    String question = "Ben: Why did you start running?";
    as(ann, () -> lt.stub().update(UpdateMemoryRequest.newBuilder()
        .setMemory(Memory.newBuilder().setId(stored.get(0).getId()).setText(question))
        .setUpdateMask(FieldMask.newBuilder().addPaths("text"))
        .build()));
    assertEmbeddedAs(stored.get(2).getId(), question + "\n" + REPLY, REPLY);
  }

  @Test
  void movingATurnLaterReEmbedsItAfterItsNewPredecessorAndItsOldFollowerWithoutIt() {
    List<Memory> stored = storeMany(ann,
        turn(session, QUESTION, "2024-05-01T10:00:00Z"),
        turn(session, ANSWER, "2024-05-01T10:01:00Z"));

    as(ann, () -> lt.stub().update(UpdateMemoryRequest.newBuilder()
        .setMemory(Memory.newBuilder().setId(stored.get(0).getId())
            .setOccurredAt(Timestamps.fromMillis(Instant.parse("2024-05-01T10:02:00Z").toEpochMilli())))
        .setUpdateMask(FieldMask.newBuilder().addPaths("occurred_at"))
        .build()));

    assertEmbeddedAs(stored.get(0).getId(), ANSWER + "\n" + QUESTION, QUESTION);
    assertEmbeddedAs(stored.get(1).getId(), ANSWER, null);
  }

  @Test
  void aSemanticMergeThatRewritesATurnReEmbedsTheTurnAfterIt() {
    List<Memory> stored = questionAnswerReply();
    String rewritten = "Ann: It calms me down after long shifts at the hospital.";

    var merged = lt.store(ann, turn(session, rewritten, "2024-05-01T10:00:30Z").toBuilder()
        .setDedupe(dev.nerve.api.memory.v1.DedupePolicy.newBuilder()
            .setMode(dev.nerve.api.memory.v1.DedupeMode.DEDUPE_MODE_SEMANTIC).setThreshold(0.8))
        .build());

    assertThat(merged.getMemory().getId()).as("merged into the answer").isEqualTo(stored.get(1).getId());
    assertEmbeddedAs(stored.get(1).getId(), QUESTION + "\n" + rewritten, rewritten);
    assertEmbeddedAs(stored.get(2).getId(), rewritten + "\n" + REPLY, REPLY);
  }

  @Test
  void aTurnThatExpiresIsNoLongerReadByTheTurnAfterIt() throws Exception {
    Instant soon = Instant.now().plusMillis(1500);
    List<Memory> stored = storeMany(ann,
        turn(session, QUESTION, "2024-05-01T10:00:00Z"),
        turn(session, ANSWER, "2024-05-01T10:01:00Z").toBuilder()
            .setExpiresAt(Timestamps.fromMillis(soon.toEpochMilli())).build(),
        turn(session, REPLY, "2024-05-01T10:02:00Z"));
    assertEmbeddedAs(stored.get(2).getId(), ANSWER + "\n" + REPLY, REPLY);
    Thread.sleep(Math.max(0, soon.toEpochMilli() - System.currentTimeMillis()) + 100);

    maintenance.run();

    assertThat(jdbc.sql("SELECT count(*) FROM memory.long_term_memory WHERE id = ?::uuid").param(stored.get(1).getId())
        .query(Long.class).single()).as("purged").isZero();
    assertEmbeddedAs(stored.get(2).getId(), QUESTION + "\n" + REPLY, REPLY);
  }

  @Test
  void aTurnStoredAfterTheTurnBeforeItExpiredDoesNotReadIt() throws Exception {
    Instant soon = Instant.now().plusMillis(1500);
    storeMany(ann,
        turn(session, QUESTION, "2024-05-01T10:00:00Z"),
        turn(session, ANSWER, "2024-05-01T10:01:00Z").toBuilder()
            .setExpiresAt(Timestamps.fromMillis(soon.toEpochMilli())).build());
    Thread.sleep(Math.max(0, soon.toEpochMilli() - System.currentTimeMillis()) + 100);

    // Maintenance has not purged the expired answer yet.
    Memory reply = storeMany(ann, turn(session, REPLY, "2024-05-01T10:02:00Z")).get(0);

    assertEmbeddedAs(reply.getId(), QUESTION + "\n" + REPLY, REPLY);
  }

  @Test
  void aTurnAnotherTransactionHeldIsReEmbeddedSoonAfterItIsReleased() throws Exception {
    Memory answer = storeMany(ann, turn(session, ANSWER, "2024-05-01T10:01:00Z")).get(0);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread holder = new Thread(() -> tx.executeWithoutResult(status -> {
      jdbc.sql("SELECT id FROM memory.long_term_memory WHERE id = ?::uuid FOR UPDATE").param(answer.getId()).query().listOfRows();
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    holder.start();
    held.await();

    // The question arrives late: the answer is marked, but the refresh after the store skips it.
    storeMany(ann, turn(session, QUESTION, "2024-05-01T10:00:00Z"));
    assertEmbeddedAs(answer.getId(), ANSWER, null);
    assertThat(marks()).isEqualTo(1);
    release.countDown();
    holder.join();

    // No maintenance round runs in this test (purge-interval 1h): a background retry does it.
    long deadline = System.currentTimeMillis() + 10_000;
    while (marks() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(marks()).isZero();
    assertEmbeddedAs(answer.getId(), QUESTION + "\n" + ANSWER, ANSWER);
  }

  @Test
  void reEmbeddingAMemoryThatChangedSinceItWasReadEmbedsItsCurrentText() {
    Memory memory = storeMany(ann, turn(session, ANSWER, "2024-05-01T10:01:00Z")).get(0);
    // A re-embedding (model change, index rebuild) read the memory, then an update changed it.
    MemoryRow read = repository.rowsById(List.of(memory.getId())).get(0);
    as(ann, () -> lt.stub().update(UpdateMemoryRequest.newBuilder()
        .setMemory(Memory.newBuilder().setId(memory.getId()).setText(REPLY))
        .setUpdateMask(FieldMask.newBuilder().addPaths("text"))
        .build()));

    assertThat(reembedder.reembed(List.of(read))).isEqualTo(1);

    assertEmbeddedAs(memory.getId(), REPLY, null);
  }

  @Test
  void maintenanceReEmbedsWhatAWriteLeftMarked() {
    List<Memory> stored = storeMany(ann,
        turn(session, QUESTION, "2024-05-01T10:00:00Z"),
        turn(session, ANSWER, "2024-05-01T10:01:00Z"));
    String answer = stored.get(1).getId();
    // As if the process had stopped between a write's commit and its re-embedding.
    jdbc.sql("UPDATE memory.long_term_memory SET embedding = ? WHERE id = ?::uuid")
        .params(bytes(embedder.embed(ANSWER)), answer).update();
    jdbc.sql("INSERT INTO memory.context_refresh (memory_id, tenant_id) VALUES (?::uuid, ?)")
        .params(answer, ann.tenantId()).update();
    assertEmbeddedAs(answer, ANSWER, null);

    maintenance.run();

    assertEmbeddedAs(answer, QUESTION + "\n" + ANSWER, ANSWER);
    assertThat(jdbc.sql("SELECT count(*) FROM memory.context_refresh WHERE memory_id = ?::uuid").param(answer)
        .query(Long.class).single()).isZero();
  }

  private long marks() {
    return jdbc.sql("SELECT count(*) FROM memory.context_refresh WHERE tenant_id = ?").param(ann.tenantId())
        .query(Long.class).single();
  }

  private static byte[] bytes(float[] vector) {
    ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : vector) {
      buffer.putFloat(v);
    }
    return buffer.array();
  }

  @Test
  void anotherTenantsUsersOrSessionsTurnsAreNeverContext() {
    Identity other = user(freshTenant(), "ann");
    lt.store(other, turn(session, QUESTION, "2024-05-01T10:00:00Z"));
    lt.store(user(ann.tenantId(), "ben"), turn(session, QUESTION, "2024-05-01T10:00:00Z"));
    lt.store(ann, turn(session + "-other", QUESTION, "2024-05-01T10:00:00Z"));
    lt.store(ann, StoreMemoryRequest.newBuilder().setText(QUESTION).build());

    Memory answer = lt.store(ann, turn(session, ANSWER, "2024-05-01T10:01:00Z")).getMemory();

    assertEmbeddedAs(answer.getId(), ANSWER, null);
  }

  @Test
  void aTextUpdateIsEmbeddedWithTheTurnBeforeIt() {
    storeMany(ann, turn(session, QUESTION, "2024-05-01T10:00:00Z"));
    Memory answer = lt.store(ann, turn(session, "Ann: No idea.", "2024-05-01T10:01:00Z")).getMemory();

    as(ann, () -> lt.stub().update(UpdateMemoryRequest.newBuilder()
        .setMemory(Memory.newBuilder().setId(answer.getId()).setText(ANSWER))
        .setUpdateMask(FieldMask.newBuilder().addPaths("text"))
        .build()));

    assertEmbeddedAs(answer.getId(), QUESTION + "\n" + ANSWER, ANSWER);
  }

  /**
   * The stored vector is the model's vector of {@code expected} (padding in batches moves vectors
   * slightly, so: nearly), and nearer to it than to {@code alone}, the text without context.
   */
  private void assertEmbeddedAs(String id, String expected, String alone) {
    float[] stored = stored(id);
    double withContext = cosine(stored, embedder.embed(expected));
    assertThat(withContext).as("cosine of %s's vector to the vector of %s", id, expected).isGreaterThan(0.99);
    if (alone != null) {
      assertThat(cosine(stored, embedder.embed(alone))).as("cosine to the text alone").isLessThan(withContext - 0.01);
    }
  }

  private float[] stored(String id) {
    byte[] bytes = jdbc.sql("SELECT embedding FROM memory.long_term_memory WHERE id = ?::uuid").param(id).query(byte[].class).single();
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[bytes.length / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = buffer.getFloat();
    }
    return vector;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
