package dev.nerve.memory.longterm;

import com.google.protobuf.Struct;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.support.MemoryActivity;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.Times;
import dev.nerve.platform.error.NerveException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Long-term memory writes and reads. PostgreSQL first (row, version, change feed in one
 * transaction), then the local index catches up from the feed and an event is published.
 */
public final class LongTermMemories {

  private final MemoryRepository repository;
  private final IndexSync sync;
  private final Embedder embedder;
  private final TransactionTemplate tx;
  private final MemoryEvents events;
  private final MemoryWriter writer;
  private final MemoryActivity activity;
  private final MeterRegistry meters;
  private final SessionContext context;

  private final ContextRefresh refresh;

  LongTermMemories(
      MemoryRepository repository,
      IndexSync sync,
      Embedder embedder,
      SessionContext context,
      TransactionTemplate tx,
      MemoryEvents events,
      MemoryWriter writer,
      MemoryActivity activity,
      ContextRefresh refresh,
      MeterRegistry meters) {
    this.refresh = refresh;
    this.meters = meters;
    this.repository = repository;
    this.sync = sync;
    this.embedder = embedder;
    this.context = context;
    this.tx = tx;
    this.events = events;
    this.writer = writer;
    this.activity = activity;
  }

  /**
   * A validated memory to store.
   *
   * @param owner tenant, user and the scope to store under
   * @param text content
   * @param tags labels
   * @param source origin label
   * @param importance 0..1
   * @param expiresAt expiry, null for never
   * @param metadata free-form JSON object
   * @param dedupe which existing memory the draft may merge into
   * @param occurredAt when the remembered event happened, null for now
   * @param requestId the client's idempotency key, empty for none
   */
  public record Draft(
      Owner owner,
      String text,
      List<String> tags,
      String source,
      double importance,
      Instant expiresAt,
      Struct metadata,
      DedupePolicy dedupe,
      Instant occurredAt,
      String requestId) {

    /** A draft with the default dedupe policy, occurring now, without idempotency key. */
    public Draft(
        Owner owner, String text, List<String> tags, String source, double importance, Instant expiresAt, Struct metadata) {
      this(owner, text, tags, source, importance, expiresAt, metadata, DedupePolicy.EXACT, null, "");
    }
  }

  /** What storing one draft did (the contract's StoreOutcome). */
  public enum Outcome {
    /** A new memory. */
    CREATED(dev.nerve.api.memory.v1.StoreOutcome.STORE_OUTCOME_CREATED),
    /** Merged into a memory with the same content; its text kept. */
    DEDUPLICATED_EXACT(dev.nerve.api.memory.v1.StoreOutcome.STORE_OUTCOME_DEDUPLICATED_EXACT),
    /** Merged into a semantically similar memory, which took the new text. */
    DEDUPLICATED_SIMILAR(dev.nerve.api.memory.v1.StoreOutcome.STORE_OUTCOME_DEDUPLICATED_UPDATED);

    private final dev.nerve.api.memory.v1.StoreOutcome proto;

    Outcome(dev.nerve.api.memory.v1.StoreOutcome proto) {
      this.proto = proto;
    }

    /** The contract's value. */
    public dev.nerve.api.memory.v1.StoreOutcome toProto() {
      return proto;
    }
  }

  /**
   * Result of storing one draft.
   *
   * @param memory the memory as stored
   * @param outcome created or merged, and how
   */
  public record Stored(Memory memory, Outcome outcome) {

    /** Whether an existing memory absorbed the draft. */
    public boolean deduplicated() {
      return outcome != Outcome.CREATED;
    }
  }

  /**
   * Stores drafts in order, embedding them in one batch; each one is deduplicated against
   * existing memories and earlier drafts of the same batch.
   */
  public List<Stored> storeAll(List<Draft> drafts) {
    Timer.Sample sample = Timer.start(meters);
    try {
      return writer.storeAll(drafts);
    } finally {
      sample.stop(storeTimer(drafts));
    }
  }

  /** Stores one draft, handing the result to {@code beforeCommit} inside the write's transaction. */
  Stored store(Draft draft, java.util.function.Consumer<Stored> beforeCommit) {
    Timer.Sample sample = Timer.start(meters);
    try {
      return writer.storeAll(List.of(draft), stored -> beforeCommit.accept(stored.get(0))).get(0);
    } finally {
      sample.stop(storeTimer(List.of(draft)));
    }
  }

  /** Fields an update may change. */
  enum Field {
    TEXT,
    TAGS,
    SOURCE,
    IMPORTANCE,
    EXPIRES_AT,
    METADATA,
    SCOPE,
    OCCURRED_AT
  }

  Memory update(Owner caller, String id, Draft changes, Set<Field> fields, Long expectedVersion) {
    // The vector follows the text and, in a session, the memories before it (SessionContext):
    // embedded before the transaction from the memory as read, and again inside it only when a
    // concurrent update changed the memory in between.
    boolean reembed = fields.contains(Field.TEXT)
        || (context.enabled() && (fields.contains(Field.SCOPE) || fields.contains(Field.OCCURRED_AT)));
    MemoryRow seen = reembed ? live(caller, id, false, Times.now()) : null;
    float[] embedded = reembed ? embed(changed(seen, changes, fields, null, Times.now())) : null;
    List<String> marked = new ArrayList<>();
    MemoryRow row =
        tx.execute(
            status -> {
              Instant now = Times.now();
              MemoryRow old = live(caller, id, true, now);
              checkVersion(id, old, expectedVersion);
              float[] vector = reembed && old.version() != seen.version() ? embed(changed(old, changes, fields, null, now)) : embedded;
              MemoryRow next = changed(old, changes, fields, vector, now);
              repository.update(next);
              repository.changed(next.owner().tenantId(), List.of(id));
              if (reembed) {
                // The memories after it read its old text or place.
                marked.addAll(refresh.markAround(old, next));
              }
              activity.record("memory.updated", next.owner(), id, next.version());
              return next;
            });
    sync.catchUp();
    events.publish("memory.updated", row.owner(), id, row.version());
    refresh.refreshQuietly(marked);
    return row.toProto();
  }

  private float[] embed(MemoryRow row) {
    return embedder.embed(context.text(row));
  }

  /** {@code old} with the updated fields, the next version; {@code vector} null keeps the old one. */
  private MemoryRow changed(MemoryRow old, Draft changes, Set<Field> fields, float[] vector, Instant now) {
    Owner owner =
        fields.contains(Field.SCOPE)
            ? new Owner(old.owner().tenantId(), old.owner().userId(), changes.owner().agentId(), changes.owner().sessionId())
            : old.owner();
    return new MemoryRow(
        old.id(),
        owner,
        fields.contains(Field.TEXT) ? changes.text() : old.text(),
        fields.contains(Field.TAGS) ? changes.tags() : old.tags(),
        fields.contains(Field.SOURCE) ? changes.source() : old.source(),
        fields.contains(Field.IMPORTANCE) ? changes.importance() : old.importance(),
        fields.contains(Field.EXPIRES_AT) ? changes.expiresAt() : old.expiresAt(),
        fields.contains(Field.METADATA) ? changes.metadata() : old.metadata(),
        old.version() + 1,
        old.createdAt(),
        now,
        vector == null ? old.model() : embedder.model(),
        vector == null ? old.dimension() : vector.length,
        vector == null ? old.vector() : vector,
        fields.contains(Field.OCCURRED_AT) && changes.occurredAt() != null ? changes.occurredAt() : old.occurredAt(),
        old.ordinal());
  }

  Instant delete(Owner caller, String id, Long expectedVersion) {
    List<String> marked = new ArrayList<>();
    MemoryRow gone =
        tx.execute(
            status -> {
              MemoryRow old = live(caller, id, true, Instant.now());
              checkVersion(id, old, expectedVersion);
              repository.delete(id);
              repository.changed(old.owner().tenantId(), List.of(id));
              marked.addAll(refresh.markAround(old, null));
              activity.record("memory.deleted", old.owner(), id, old.version());
              return old;
            });
    sync.catchUp();
    events.publish("memory.deleted", gone.owner(), id, gone.version());
    refresh.refreshQuietly(marked);
    return Instant.now();
  }

  Memory get(Owner caller, String id, Long version) {
    if (version == null) {
      return live(caller, id, false, Instant.now()).toProto();
    }
    live(caller, id, false, Instant.now());
    return repository
        .findVersion(caller.tenantId(), caller.userId(), id, version)
        .orElseThrow(() -> NerveException.notFound("memory version", id + "@" + version))
        .toProto();
  }

  List<Memory> list(Owner scope, List<String> tagsAny, boolean includeExpired, Long afterMicros, String afterId, int limit) {
    return repository.list(scope, tagsAny, includeExpired, afterMicros, afterId, limit).stream()
        .map(MemoryRow::toProto)
        .toList();
  }

  List<Memory> versions(Owner caller, String id, Long beforeVersion, int limit) {
    live(caller, id, false, Instant.now());
    return repository.versions(caller.tenantId(), caller.userId(), id, beforeVersion, limit).stream()
        .map(MemoryRow::toProto)
        .toList();
  }

  /** Erases every long-term memory of a user; returns [memories, past versions] deleted. */
  long[] forget(String tenantId, String userId) {
    long[] counts = tx.execute(status -> repository.forget(tenantId, userId));
    sync.catchUp();
    return counts;
  }

  private MemoryRow live(Owner caller, String id, boolean lock, Instant now) {
    if (!isUuid(id)) {
      throw NerveException.notFound("memory", id);
    }
    return repository
        .find(caller.tenantId(), caller.userId(), id, lock)
        .filter(row -> !row.expired(now))
        .orElseThrow(() -> NerveException.notFound("memory", id));
  }

  private static void checkVersion(String id, MemoryRow row, Long expected) {
    if (expected != null && row.version() != expected) {
      throw NerveException.conflict(
          "memory '" + id + "' is at version " + row.version() + ", not the expected " + expected);
    }
  }

  static boolean isUuid(String id) {
    try {
      return UUID.fromString(id).toString().equalsIgnoreCase(id);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code nerve.memory.store} by the drafts' dedupe mode ({@code mixed} when they differ). */
  private Timer storeTimer(List<Draft> drafts) {
    java.util.Set<String> modes = new java.util.TreeSet<>();
    drafts.forEach(d -> modes.add(d.dedupe().mode().name().toLowerCase(java.util.Locale.ROOT)));
    return Timer.builder("nerve.memory.store")
        .description("Long-term memory stores (embedding, dedupe, write and indexing), by dedupe mode")
        .tag("mode", modes.size() == 1 ? modes.iterator().next() : "mixed")
        .register(meters);
  }
}
