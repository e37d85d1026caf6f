package dev.nerve.memory.longterm;

import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.longterm.LongTermMemories.Draft;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Finds the memory a draft merges into under its dedupe policy: first one with the same content
 * ({@link MemoryMerge#sameContent}), then, with the semantic policy only, the most similar one of
 * the same scope at or above the threshold. Candidates come from the index before the write
 * transaction (cheap, no locks); inside it each one is read back from PostgreSQL under a row lock
 * and checked again, so a memory changed meanwhile is judged as it is.
 */
final class DuplicateFinder {

  /** How many same-text memories of one scope are checked for one draft. */
  private static final int SAME_TEXT_CANDIDATES = 8;

  private final MemoryRepository repository;
  private final SearchIndex index;

  DuplicateFinder(MemoryRepository repository, SearchIndex index) {
    this.repository = repository;
    this.index = index;
  }

  /**
   * Index candidates of one draft.
   *
   * @param sameText memories of the draft's scope with the same normalized text
   * @param similar the nearest memory of the scope when it reaches the semantic threshold, or null
   */
  record Candidates(List<String> sameText, String similar) {
    static final Candidates NONE = new Candidates(List.of(), null);
  }

  /**
   * The memory a draft merges into and how.
   *
   * @param row its current state (locked, or written earlier in the same batch)
   * @param exact same content (true) or semantically similar (false)
   */
  record Twin(MemoryRow row, boolean exact) {}

  Candidates candidates(Draft draft, String model, float[] vector, Instant now) {
    if (draft.dedupe().mode() == DedupePolicy.Mode.OFF) {
      return Candidates.NONE;
    }
    SearchFilter scope =
        SearchFilter.exactScope(
            draft.owner().tenantId(), draft.owner().userId(), draft.owner().agentId(), draft.owner().sessionId(), now);
    List<String> sameText =
        index.sameTextInScope(scope, draft.text(), SAME_TEXT_CANDIDATES).stream().map(SearchIndex.Hit::id).toList();
    String similar = null;
    if (draft.dedupe().mode() == DedupePolicy.Mode.SEMANTIC) {
      similar =
          index.nearestInScope(scope, model, vector, 1).stream()
              .filter(hit -> 2.0 * hit.score() - 1.0 >= draft.dedupe().threshold())
              .map(SearchIndex.Hit::id)
              .findFirst()
              .orElse(null);
    }
    return new Candidates(sameText, similar);
  }

  /**
   * Inside the write transaction: the twin among the memories written earlier in this batch
   * ({@code written}, latest state by id) and the index candidates, or empty to create.
   */
  Optional<Twin> resolve(
      Draft draft, float[] vector, Candidates candidates, java.util.Map<String, MemoryRow> written, Instant now) {
    if (draft.dedupe().mode() == DedupePolicy.Mode.OFF) {
      return Optional.empty();
    }
    for (MemoryRow row : written.values()) {
      if (row.owner().equals(draft.owner()) && MemoryMerge.sameContent(row, draft)) {
        return Optional.of(new Twin(row, true));
      }
    }
    // Of several memories with the same content, the one that agrees with most of the draft's
    // metadata, then the first stored, whatever the index's order; locked in id order.
    MemoryRow same = null;
    for (String id : candidates.sameText().stream().sorted().toList()) {
      Optional<MemoryRow> row = current(id, draft, written, now);
      if (row.isPresent() && MemoryMerge.sameContent(row.get(), draft) && (same == null || closer(row.get(), same, draft))) {
        same = row.get();
      }
    }
    if (same != null) {
      return Optional.of(new Twin(same, true));
    }
    if (draft.dedupe().mode() != DedupePolicy.Mode.SEMANTIC) {
      return Optional.empty();
    }
    Optional<MemoryRow> inBatch = similarInBatch(draft, vector, written.values());
    if (inBatch.isPresent()) {
      return Optional.of(new Twin(inBatch.get(), false));
    }
    return candidates.similar() == null
        ? Optional.empty()
        : current(candidates.similar(), draft, written, now).map(row -> new Twin(row, false));
  }

  private Optional<MemoryRow> current(String id, Draft draft, java.util.Map<String, MemoryRow> written, Instant now) {
    if (written.containsKey(id)) {
      return Optional.of(written.get(id));
    }
    return repository
        .find(draft.owner().tenantId(), draft.owner().userId(), id, true)
        .filter(row -> !row.expired(now) && row.owner().equals(draft.owner()));
  }

  private static boolean closer(MemoryRow a, MemoryRow b, Draft draft) {
    int agreeing = MemoryMerge.agreeingMetadata(a, draft) - MemoryMerge.agreeingMetadata(b, draft);
    return agreeing != 0 ? agreeing > 0 : a.ordinal() < b.ordinal();
  }

  private static Optional<MemoryRow> similarInBatch(Draft draft, float[] vector, Collection<MemoryRow> written) {
    for (MemoryRow row : written) {
      if (row.owner().equals(draft.owner())
          && row.vector() != null
          && row.vector().length == vector.length
          && Embedder.cosine(row.vector(), vector) >= draft.dedupe().threshold()) {
        return Optional.of(row);
      }
    }
    return Optional.empty();
  }
}
