package dev.nerve.memory.longterm;

import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.longterm.LongTermMemories.Draft;
import dev.nerve.memory.longterm.MemoryRepository.Position;
import dev.nerve.memory.longterm.MemoryRepository.Refresh;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.memory.support.Owner;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps session context ({@link SessionContext}) true whatever the order of writes: a memory's
 * vector reads the turns just before it, so when a turn is stored before others late (an import
 * out of order, or concurrent stores into one session), or a turn is changed or deleted, the
 * memories after it are marked, inside the write's transaction, and re-embedded after its commit
 * (and by maintenance, should that fail or the process stop). Marking runs under the change-feed
 * lock, which every memory write holds from its end to its commit, so a write sees every write
 * committed before it: of two concurrent stores into one session, the later one to commit finds
 * what the other did not read.
 */
final class ContextRefresh implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContextRefresh.class);

  /**
   * Delays of the retries after a refresh left memories marked because another transaction held
   * them (typically the next write into the same session, about to commit); what is still marked
   * after the last one waits for maintenance.
   */
  static final List<Duration> RETRIES = List.of(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(5));

  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("memory-context-refresh"));

  private final MemoryRepository repository;
  private final SessionContext context;
  private final Embedder embedder;
  private final TransactionTemplate tx;
  private final IndexSync sync;

  ContextRefresh(MemoryRepository repository, SessionContext context, Embedder embedder, TransactionTemplate tx, IndexSync sync) {
    this.repository = repository;
    this.context = context;
    this.embedder = embedder;
    this.tx = tx;
    this.sync = sync;
  }

  /** {@link #feedPosition} of drafts whose vectors read no session. */
  static final long UNWATCHED = -1;

  /**
   * Before the drafts' context is read: the change feed's position to check against at commit, or
   * {@link #UNWATCHED} when no draft has a session (or vectors read none), which costs no query.
   */
  long feedPosition(List<Draft> drafts) {
    return context.enabled() && drafts.stream().anyMatch(d -> !d.owner().sessionId().isEmpty())
        ? repository.lastSeq()
        : UNWATCHED;
  }

  /**
   * Inside a store's transaction, after its rows and change-feed entries are written: marks the
   * memories that did not read the new ones (stored after them in time but before them in fact),
   * and the new ones whose own context changed between their embedding and now.
   *
   * @param drafts the stored drafts, in order
   * @param embedded the texts their vectors were computed from
   * @param created the new memory's id per draft, null where a draft merged into another memory
   * @param now the time the drafts without {@code occurredAt} occurred at
   * @param seenSeq {@link #feedPosition} of the drafts, read before their context was
   * @return the marked memories
   */
  List<String> markAfterStore(List<Draft> drafts, List<String> embedded, List<String> created, Instant now, long seenSeq) {
    if (seenSeq == UNWATCHED) {
      return List.of();
    }
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      if (created.get(i) != null && !drafts.get(i).owner().sessionId().isEmpty()) {
        batch.add(created.get(i));
      }
    }
    if (!context.enabled() || batch.isEmpty()) {
      return List.of();
    }
    List<String> marked = new ArrayList<>(repository.markFollowers(repository.positions(batch), context.turns(), batch));
    Set<Owner> sessions = new HashSet<>();
    drafts.stream().map(Draft::owner).filter(o -> !o.sessionId().isEmpty()).forEach(sessions::add);
    if (!repository.sessionsChangedSince(seenSeq, sessions, batch)) {
      // No other write touched these sessions since their context was read: it is still true.
      return marked;
    }
    List<String> current = context.texts(drafts, now, batch);
    Map<String, List<String>> changed = new LinkedHashMap<>();
    for (int i = 0; i < drafts.size(); i++) {
      if (created.get(i) != null && !current.get(i).equals(embedded.get(i))) {
        changed.computeIfAbsent(drafts.get(i).owner().tenantId(), t -> new ArrayList<>()).add(created.get(i));
      }
    }
    changed.forEach((tenant, ids) -> {
      repository.markForRefresh(tenant, ids);
      marked.addAll(ids);
    });
    return marked;
  }

  /**
   * Inside an update's or delete's transaction, after its change-feed entry: marks the memories
   * just after where the memory was ({@code before}) and is ({@code after}, null when deleted).
   */
  List<String> markAround(MemoryRow before, MemoryRow after) {
    List<Position> positions = new ArrayList<>();
    positions.add(new Position(before.owner(), before.occurredAt(), before.ordinal()));
    if (after != null) {
      positions.add(new Position(after.owner(), after.occurredAt(), after.ordinal()));
    }
    return markAfter(positions);
  }

  /**
   * Inside a store's transaction, for a memory a semantic merge rewrote: marks the memories after
   * its old and new place, and the memory itself (its vector read the draft's place).
   */
  List<String> markRewritten(MemoryRow before, MemoryRow after) {
    List<String> marked = new ArrayList<>(markAround(before, after));
    if (context.enabled() && !after.owner().sessionId().isEmpty()) {
      repository.markForRefresh(after.owner().tenantId(), List.of(after.id()));
      marked.add(after.id());
    }
    return marked;
  }

  /** Inside a transaction that changed or removed memories at {@code positions}: marks the memories after them. */
  List<String> markAfter(List<Position> positions) {
    return context.enabled() ? repository.markFollowers(positions, context.turns(), List.of()) : List.of();
  }

  /**
   * After a write's commit: re-embeds the memories it marked. Those another transaction held are
   * tried again in the background ({@link #RETRIES}). A failure is only logged: the write itself
   * succeeded, and maintenance refreshes what is still marked.
   */
  void refreshQuietly(Collection<String> marked) {
    refreshQuietly(marked, 0);
  }

  /** Refreshes what is marked of {@code marked}, and schedules retry {@code attempt} for what stays marked. */
  private void refreshQuietly(Collection<String> marked, int attempt) {
    if (marked.isEmpty()) {
      return;
    }
    try {
      List<String> skipped = refresh(repository.refreshes(marked, marked.size())).skipped();
      if (!skipped.isEmpty() && attempt < RETRIES.size()) {
        retries.schedule(() -> refreshQuietly(skipped, attempt + 1), RETRIES.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      // Shutting down: maintenance refreshes what is still marked after the restart.
    } catch (RuntimeException e) {
      log.warn("re-embedding {} memories after a session change failed; maintenance retries: {}", marked.size(), e.toString());
    }
  }

  /** Stops the pending retries (their memories stay marked for maintenance). */
  @Override
  public void close() {
    retries.shutdownNow();
  }

  /** Re-embeds the {@code limit} memories marked longest ago; returns how many were re-embedded. */
  long refreshOldest(int limit) {
    return refresh(repository.refreshes(null, limit)).refreshed();
  }

  /**
   * What a refresh did.
   *
   * @param refreshed how many memories were re-embedded
   * @param skipped memories that exist and keep their mark: another transaction held them, or they
   *     changed since they were read
   */
  private record Round(long refreshed, List<String> skipped) {
    static final Round NONE = new Round(0, List.of());
  }

  /**
   * Re-embeds marked memories from the turns now before them. Memories another transaction holds,
   * or that changed since they were read, keep their mark for a later round; so does a memory
   * marked again meanwhile (its new mark is not the one read, and the write that marked it
   * refreshes it).
   */
  private Round refresh(List<Refresh> marks) {
    if (marks.isEmpty()) {
      return Round.NONE;
    }
    List<MemoryRow> rows = repository.rowsById(marks.stream().map(Refresh::memoryId).toList());
    List<float[]> vectors = rows.isEmpty() ? List.of() : embedder.embed(context.texts(rows));
    Set<String> refreshed = tx.execute(status -> {
      Set<String> present = new HashSet<>(rows.stream().map(MemoryRow::id).toList());
      Set<String> written = repository.updateEmbeddingsIfUnchanged(rows, embedder.model(), vectors);
      repository.lockFeed();
      // Done: the refreshed ones, and the marks of memories that are gone.
      repository.clearRefreshes(marks.stream()
          .filter(m -> written.contains(m.memoryId()) || !present.contains(m.memoryId()))
          .toList());
      return written;
    });
    sync.catchUp();
    return new Round(refreshed.size(), rows.stream().map(MemoryRow::id).filter(id -> !refreshed.contains(id)).toList());
  }
}
