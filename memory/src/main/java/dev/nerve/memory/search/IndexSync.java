package dev.nerve.memory.search;

import dev.nerve.platform.concurrent.DaemonThreads;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local index in step with PostgreSQL: applies the change feed after the index's last
 * applied sequence, on demand (after a local write, on a change notification from another replica)
 * and on a timer as the safety net. Because the feed is replayed from the last committed position,
 * a crash between the PostgreSQL commit and indexing loses nothing.
 */
public final class IndexSync implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IndexSync.class);
  private static final int BATCH = 1_000;

  private final SearchIndex index;
  private final ChangeFeed feed;
  private ScheduledExecutorService timer;

  public IndexSync(SearchIndex index, ChangeFeed feed) {
    this.index = index;
    this.feed = feed;
  }

  /** Applies every change committed so far; returns the number of changes applied. */
  public synchronized int catchUp() {
    int applied = 0;
    if (index.appliedSeq() < feed.firstSeq() - 1) {
      // Changes this index never saw were pruned from the feed: rebuild from the table.
      applied += rebuildAll();
    }
    while (true) {
      List<ChangeFeed.Change> changes = feed.after(index.appliedSeq(), BATCH);
      if (changes.isEmpty()) {
        return applied;
      }
      Set<String> ids = changes.stream().map(ChangeFeed.Change::memoryId).collect(Collectors.toCollection(LinkedHashSet::new));
      List<IndexedMemory> current = feed.load(ids);
      Set<String> alive = current.stream().map(IndexedMemory::id).collect(Collectors.toSet());
      List<String> gone = new ArrayList<>();
      for (String id : ids) {
        if (!alive.contains(id)) {
          gone.add(id);
        }
      }
      index.apply(current, gone, changes.get(changes.size() - 1).seq());
      applied += changes.size();
    }
  }

  /**
   * Loads every memory from PostgreSQL. The feed position is read first, so writes that commit
   * during the load are applied again afterwards (applying is idempotent).
   */
  private int rebuildAll() {
    long position = feed.lastSeq();
    log.info("memory index is behind the pruned change feed; rebuilding it from PostgreSQL");
    index.deleteAll();
    int count = 0;
    String after = "";
    while (true) {
      List<String> ids = feed.ids(after, BATCH);
      if (ids.isEmpty()) {
        break;
      }
      List<IndexedMemory> memories = feed.load(ids);
      index.apply(memories, List.of(), position);
      count += memories.size();
      after = ids.get(ids.size() - 1);
    }
    index.resetSeq(position);
    index.commit();
    return count;
  }

  /**
   * Rebuilds one tenant's documents from PostgreSQL, page by page through {@code ids}, while
   * searches keep answering from the documents not yet replaced.
   */
  public synchronized long rebuildTenant(String tenantId, Function<String, List<String>> idsAfter) {
    catchUp();
    index.deleteTenant(tenantId);
    long count = 0;
    String after = "";
    while (true) {
      List<String> ids = idsAfter.apply(after);
      if (ids.isEmpty()) {
        break;
      }
      List<IndexedMemory> memories = feed.load(ids);
      index.apply(memories, List.of(), index.appliedSeq());
      count += memories.size();
      after = ids.get(ids.size() - 1);
    }
    index.commit();
    return count;
  }

  /** Starts polling the feed every {@code intervalMillis} and committing the index. */
  public void start(long intervalMillis) {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("memory-index-sync"));
    timer.scheduleWithFixedDelay(this::tick, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Asks for a catch-up soon, e.g. when another replica announced a change. */
  public void nudge() {
    ScheduledExecutorService running = timer;
    if (running != null && !running.isShutdown()) {
      running.execute(this::tick);
    }
  }

  private void tick() {
    try {
      catchUp();
      index.commit();
    } catch (RuntimeException e) {
      log.warn("memory index catch-up failed, retrying on the next tick: {}", e.toString());
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
