package dev.nerve.memory.search;

import java.util.Collection;
import java.util.List;

/**
 * The system of record as the index sees it: an ordered feed of changed memory ids and a way to
 * read their current state. Implemented over PostgreSQL by the long-term feature.
 */
public interface ChangeFeed {

  /** Up to {@code max} changes with a sequence number above {@code afterSeq}, in order. */
  List<Change> after(long afterSeq, int max);

  /** Lowest sequence still in the feed (older entries are pruned), 0 when the feed is empty. */
  long firstSeq();

  /** Highest sequence in the feed, 0 when the feed is empty. */
  long lastSeq();

  /** Ids of every memory after {@code afterId} in id order, for a full rebuild. */
  List<String> ids(String afterId, int max);

  /** Current state of the given memories; ids that no longer exist are absent. */
  List<IndexedMemory> load(Collection<String> ids);

  /**
   * One change.
   *
   * @param seq position in the feed, increasing in commit order
   * @param memoryId the memory that changed (upserted or deleted)
   */
  record Change(long seq, String memoryId) {}
}
