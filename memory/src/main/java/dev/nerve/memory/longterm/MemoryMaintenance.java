package dev.nerve.memory.longterm;

import dev.nerve.memory.context.Contexts;
import dev.nerve.memory.search.IndexSync;
import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.idempotency.IdempotencyKeys;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Background upkeep of one replica: deletes expired memories and contexts, re-embeds memories
 * embedded by a model other than the configured one and memories whose session context changed
 * and was not refreshed after the write ({@link ContextRefresh}), prunes the change feed (a replica that
 * fell behind the pruned part rebuilds its index from the table) and forgets request ids past
 * their retention. Every step is idempotent, so replicas may run it side by side.
 */
final class MemoryMaintenance implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MemoryMaintenance.class);
  static final int BATCH = 500;
  private static final int REFRESH_BATCH = 64;

  private final MemoryRepository repository;
  private final Contexts contexts;
  private final Reembedder reembedder;
  private final ContextRefresh refresh;
  private final IndexSync sync;
  private final TransactionTemplate tx;
  private final java.time.Duration changeRetention;
  private final IdempotencyKeys idempotency;
  private ScheduledExecutorService timer;

  MemoryMaintenance(
      MemoryRepository repository,
      Contexts contexts,
      Reembedder reembedder,
      ContextRefresh refresh,
      IndexSync sync,
      TransactionTemplate tx,
      java.time.Duration changeRetention,
      IdempotencyKeys idempotency) {
    this.changeRetention = changeRetention;
    this.idempotency = idempotency;
    this.repository = repository;
    this.contexts = contexts;
    this.reembedder = reembedder;
    this.refresh = refresh;
    this.sync = sync;
    this.tx = tx;
  }

  void start(long intervalMillis) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("memory-maintenance"));
    timer.scheduleWithFixedDelay(this::runSafely, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** One round: purge expired memories and contexts, re-embed stale vectors. */
  Result run() {
    long memories = 0;
    int purged;
    do {
      purged = tx.execute(status -> {
        List<MemoryRepository.Position> gone = repository.purgeExpired(Instant.now(), BATCH);
        // The turns after an expired one read it: refreshed below with the other marked ones.
        refresh.markAfter(gone);
        return gone.size();
      });
      memories += purged;
    } while (purged == BATCH);
    if (memories > 0) {
      sync.catchUp();
    }
    long contextCount = 0;
    do {
      purged = tx.execute(status -> contexts.purgeExpired(BATCH));
      contextCount += purged;
    } while (purged == BATCH);
    long reembedded = reembedder.migrateStale(64);
    long refreshed;
    do {
      // Until a round leaves some marked (held by another transaction): those wait for the next.
      refreshed = refresh.refreshOldest(REFRESH_BATCH);
      reembedded += refreshed;
    } while (refreshed == REFRESH_BATCH);
    repository.pruneChanges(Instant.now().minus(changeRetention));
    while (idempotency.purge(Instant.now().minus(IdempotencyKeys.RETENTION), BATCH) == BATCH) {
      // Keys past their retention go in batches, like expired memories.
    }
    if (memories + contextCount + reembedded > 0) {
      log.info(
          "memory maintenance: purged {} expired memories and {} contexts, re-embedded {} memories",
          memories,
          contextCount,
          reembedded);
    }
    return new Result(memories, contextCount, reembedded);
  }

  /**
   * What one round did.
   *
   * @param memoriesPurged expired memories deleted
   * @param contextsPurged expired contexts deleted
   * @param reembedded memories whose vector was recomputed (another model, or a changed session context)
   */
  record Result(long memoriesPurged, long contextsPurged, long reembedded) {}

  private void runSafely() {
    try {
      run();
    } catch (RuntimeException e) {
      log.warn("memory maintenance failed, retrying on the next round: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
