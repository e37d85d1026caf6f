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
 * re-embeds it the same way. Vectors are compared with the real model's vectors of the expected
 * texts: the stored one must be nearer the text with its context than the text alone.
 */
@SpringBootTest(
    classes = MemoryTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=memory", "nerve.grpc.default-deadline=60s"})
class SessionContextIT {

  private static final String QUESTION = "Ben: Why did you take up pottery?";
  private static final String ANSWER = "Ann: It calms me down after long shifts.";
  private static final String REPLY = "Ben: That sounds lovely, I should try it.";

  @Autowired ChannelFactory channels;
  @Autowired JdbcClient jdbc;
  @Autowired Embedder embedder;

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

    assertEmbeddedAs(late.getId(), REPLY, null);
    assertEmbeddedAs(early.getId(), QUESTION, null);
    assertEmbeddedAs(between.getId(), QUESTION + "\n" + ANSWER, ANSWER);
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
