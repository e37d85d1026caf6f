package dev.nerve.memory.longterm;

import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.longterm.LongTermMemories.Draft;
import dev.nerve.memory.longterm.LongTermMemories.Outcome;
import dev.nerve.memory.longterm.LongTermMemories.Stored;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.support.MemoryActivity;
import dev.nerve.memory.support.MemoryEvents;
import dev.nerve.memory.support.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store path of long-term memory: embed (in a session, with the memories before each one:
 * {@link SessionContext}), find the memory each draft merges into under its
 * dedupe policy ({@link DuplicateFinder}), write to PostgreSQL (rows, versions, change feed in one
 * transaction), let the index catch up, publish events, and re-embed the memories of the session
 * that did not read the new ones ({@link ContextRefresh}).
 */
final class MemoryWriter {

  private final MemoryRepository repository;
  private final DuplicateFinder duplicates;
  private final IndexSync sync;
  private final Embedder embedder;
  private final SessionContext context;
  private final TransactionTemplate tx;
  private final MemoryEvents events;
  private final MemoryActivity activity;
  private final ContextRefresh refresh;

  MemoryWriter(
      MemoryRepository repository,
      DuplicateFinder duplicates,
      IndexSync sync,
      Embedder embedder,
      SessionContext context,
      TransactionTemplate tx,
      MemoryEvents events,
      MemoryActivity activity,
      ContextRefresh refresh) {
    this.refresh = refresh;
    this.repository = repository;
    this.duplicates = duplicates;
    this.sync = sync;
    this.embedder = embedder;
    this.context = context;
    this.tx = tx;
    this.events = events;
    this.activity = activity;
  }

  /**
   * Stores drafts in order: embeds them in one batch, finds each one's twin (in the index or
   * earlier in the same batch) and writes everything in one transaction with batched statements;
   * the index catches up once at the end.
   */
  List<Stored> storeAll(List<Draft> drafts) {
    return storeAll(drafts, stored -> {});
  }

  /** As {@link #storeAll(List)}, handing the result to {@code beforeCommit} inside the transaction. */
  List<Stored> storeAll(List<Draft> drafts, java.util.function.Consumer<List<Stored>> beforeCommit) {
    if (drafts.isEmpty()) {
      return List.of();
    }
    // One instant for the drafts without occurredAt, both in their vectors' context and in the rows.
    Instant now = Times.now();
    long seenSeq = refresh.feedPosition(drafts);
    List<String> texts = context.texts(drafts, now);
    List<float[]> vectors = embedder.embed(texts);
    sync.catchUp();
    List<DuplicateFinder.Candidates> candidates = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      candidates.add(duplicates.candidates(drafts.get(i), embedder.model(), vectors.get(i), now));
    }
    List<String> marked = new ArrayList<>();
    List<Stored> stored =
        tx.execute(
            status -> {
              List<Rewrite> rewritten = new ArrayList<>();
              List<Stored> written = write(drafts, vectors, candidates, now, rewritten);
              List<String> created = new ArrayList<>();
              for (int i = 0; i < written.size(); i++) {
                Stored s = written.get(i);
                created.add(s.outcome() == Outcome.CREATED ? s.memory().getId() : null);
                activity.record(
                    s.deduplicated() ? "memory.updated" : "memory.stored",
                    drafts.get(i).owner(),
                    s.memory().getId(),
                    s.memory().getVersion());
              }
              marked.addAll(refresh.markAfterStore(drafts, texts, created, now, seenSeq));
              rewritten.forEach(r -> marked.addAll(refresh.markRewritten(r.before(), r.after())));
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
    refresh.refreshQuietly(marked);
    return stored;
  }

  /**
   * Resolves every draft against its twin (an existing memory, locked, or one written earlier in
   * this batch), then writes new rows, updated rows, versions and feed entries in batches; adds
   * the memories a semantic merge rewrote to {@code rewritten}.
   */
  private List<Stored> write(
      List<Draft> drafts,
      List<float[]> vectors,
      List<DuplicateFinder.Candidates> candidates,
      Instant now,
      List<Rewrite> rewritten) {
    Map<String, MemoryRow> latest = new LinkedHashMap<>();
    Set<String> created = new LinkedHashSet<>();
    List<MemoryRow> versions = new ArrayList<>();
    List<Stored> result = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      Draft draft = drafts.get(i);
      float[] vector = vectors.get(i);
      Optional<DuplicateFinder.Twin> twin = duplicates.resolve(draft, vector, candidates.get(i), latest, now);
      MemoryRow row;
      Outcome outcome;
      if (twin.isEmpty()) {
        row = created(draft, vector, now);
        outcome = Outcome.CREATED;
        created.add(row.id());
      } else if (twin.get().exact()) {
        row = MemoryMerge.exact(twin.get().row(), draft, now);
        outcome = Outcome.DEDUPLICATED_EXACT;
      } else {
        row = MemoryMerge.similar(twin.get().row(), draft, embedder.model(), vector, now);
        outcome = Outcome.DEDUPLICATED_SIMILAR;
        rewritten.add(new Rewrite(twin.get().row(), row));
      }
      latest.put(row.id(), row);
      versions.add(row);
      result.add(new Stored(row.toProto(), outcome));
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

  /** A memory a semantic merge gave another text (and maybe another time). */
  private record Rewrite(MemoryRow before, MemoryRow after) {}

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
        vector,
        draft.occurredAt() == null ? now : draft.occurredAt(),
        0);
  }
}
