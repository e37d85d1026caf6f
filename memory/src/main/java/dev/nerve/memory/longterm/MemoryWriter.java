package dev.nerve.memory.longterm;

import com.google.protobuf.Struct;
import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.longterm.LongTermMemories.Draft;
import dev.nerve.memory.longterm.LongTermMemories.Stored;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store path of long-term memory: embed, find near-duplicates, write to PostgreSQL (row,
 * version, change feed in one transaction), let the index catch up, publish events.
 */
final class MemoryWriter {

  private final MemoryRepository repository;
  private final SearchIndex index;
  private final IndexSync sync;
  private final Embedder embedder;
  private final TransactionTemplate tx;
  private final MemoryEvents events;
  private final double dedupeThreshold;

  MemoryWriter(
      MemoryRepository repository,
      SearchIndex index,
      IndexSync sync,
      Embedder embedder,
      TransactionTemplate tx,
      MemoryEvents events,
      double dedupeThreshold) {
    this.repository = repository;
    this.index = index;
    this.sync = sync;
    this.embedder = embedder;
    this.tx = tx;
    this.events = events;
    this.dedupeThreshold = dedupeThreshold;
  }

  /**
   * Stores drafts in order: embeds them in one batch, finds each one's near-duplicate (in the index
   * or earlier in the same batch) and writes everything in one transaction with batched
   * statements; the index catches up once at the end.
   */
  List<Stored> storeAll(List<Draft> drafts) {
    return storeAll(drafts, stored -> {});
  }

  /** As {@link #storeAll(List)}, handing the result to {@code beforeCommit} inside the transaction. */
  List<Stored> storeAll(List<Draft> drafts, java.util.function.Consumer<List<Stored>> beforeCommit) {
    if (drafts.isEmpty()) {
      return List.of();
    }
    List<float[]> vectors = embedder.embed(drafts.stream().map(Draft::text).toList());
    sync.catchUp();
    Instant now = Times.now();
    List<Optional<String>> twins = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      Draft draft = drafts.get(i);
      twins.add(draft.skipDeduplication() ? Optional.empty() : nearDuplicate(draft.owner(), vectors.get(i), now));
    }
    List<Stored> stored =
        tx.execute(
            status -> {
              List<Stored> written = write(drafts, vectors, twins, now);
              beforeCommit.accept(written);
              return written;
            });
    sync.catchUp();
    for (int i = 0; i < stored.size(); i++) {
      Stored s = stored.get(i);
      events.publish(
          s.deduplicated() ? "memory.updated" : "memory.stored",
          drafts.get(i).owner(),
          s.memory().getId(),
          s.memory().getVersion());
    }
    return stored;
  }

  /**
   * Resolves every draft against its twin (an existing memory, locked, or one written earlier in
   * this batch), then writes new rows, updated rows, versions and feed entries in batches.
   */
  private List<Stored> write(List<Draft> drafts, List<float[]> vectors, List<Optional<String>> twins, Instant now) {
    Map<String, MemoryRow> latest = new LinkedHashMap<>();
    Set<String> created = new LinkedHashSet<>();
    List<MemoryRow> versions = new ArrayList<>();
    List<Stored> result = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      Draft draft = drafts.get(i);
      float[] vector = vectors.get(i);
      Optional<String> twin = twins.get(i);
      if (twin.isEmpty() && !draft.skipDeduplication()) {
        twin = twinInBatch(draft.owner(), vector, latest.values());
      }
      Optional<MemoryRow> base =
          twin.flatMap(
              id ->
                  latest.containsKey(id)
                      ? Optional.of(latest.get(id))
                      : repository
                          .find(draft.owner().tenantId(), draft.owner().userId(), id, true)
                          .filter(row -> !row.expired(now) && row.owner().equals(draft.owner())));
      MemoryRow row = base.map(old -> merge(old, draft, vector, now)).orElseGet(() -> created(draft, vector, now));
      if (base.isEmpty()) {
        created.add(row.id());
      }
      latest.put(row.id(), row);
      versions.add(row);
      result.add(new Stored(row.toProto(), base.isPresent()));
    }
    List<MemoryRow> inserts = new ArrayList<>();
    List<MemoryRow> updates = new ArrayList<>();
    latest.values().forEach(row -> (created.contains(row.id()) ? inserts : updates).add(row));
    repository.insertAll(inserts);
    updates.forEach(repository::updateCurrent);
    repository.appendVersions(versions);
    Map<String, List<String>> byTenant = new LinkedHashMap<>();
    latest.values().forEach(row -> byTenant.computeIfAbsent(row.owner().tenantId(), t -> new ArrayList<>()).add(row.id()));
    byTenant.forEach(repository::changed);
    return result;
  }

  private MemoryRow created(Draft draft, float[] vector, Instant now) {
    return new MemoryRow(
        UUID.randomUUID().toString(),
        draft.owner(),
        draft.text(),
        draft.tags(),
        draft.source(),
        draft.importance(),
        draft.expiresAt(),
        draft.metadata(),
        1,
        now,
        now,
        embedder.model(),
        vector.length,
        vector);
  }

  /** A memory written earlier in this batch that the draft nearly duplicates. */
  private Optional<String> twinInBatch(Owner owner, float[] vector, Collection<MemoryRow> written) {
    for (MemoryRow row : written) {
      if (row.owner().equals(owner) && Embedder.cosine(row.vector(), vector) >= dedupeThreshold) {
        return Optional.of(row.id());
      }
    }
    return Optional.empty();
  }

  private Optional<String> nearDuplicate(Owner owner, float[] vector, Instant now) {
    SearchFilter scope =
        SearchFilter.exactScope(owner.tenantId(), owner.userId(), owner.agentId(), owner.sessionId(), now);
    return index.nearestInScope(scope, embedder.model(), vector, 1).stream()
        .filter(hit -> 2.0 * hit.score() - 1.0 >= dedupeThreshold)
        .map(SearchIndex.Hit::id)
        .findFirst();
  }

  /** The existing memory refreshed by a near-duplicate draft (see StoreOutcome in the contract). */
  private MemoryRow merge(MemoryRow old, Draft draft, float[] vector, Instant now) {
    LinkedHashSet<String> tags = new LinkedHashSet<>(old.tags());
    tags.addAll(draft.tags());
    Struct metadata = old.metadata().toBuilder().putAllFields(draft.metadata().getFieldsMap()).build();
    Instant expiresAt =
        old.expiresAt() == null || draft.expiresAt() == null
            ? null
            : (old.expiresAt().isAfter(draft.expiresAt()) ? old.expiresAt() : draft.expiresAt());
    return new MemoryRow(
        old.id(),
        old.owner(),
        draft.text(),
        List.copyOf(tags),
        draft.source().isEmpty() ? old.source() : draft.source(),
        Math.max(old.importance(), draft.importance()),
        expiresAt,
        metadata,
        old.version() + 1,
        old.createdAt(),
        now,
        embedder.model(),
        vector.length,
        vector);
  }
}
