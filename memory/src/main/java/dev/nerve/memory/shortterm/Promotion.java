package dev.nerve.memory.shortterm;

import dev.nerve.api.memory.v1.ShortTermItem;
import java.util.List;

/**
 * Consolidates working memory into long-term memory when a session is cleared with promote; the
 * long-term feature provides it, so short-term memory does not depend on long-term internals.
 */
@FunctionalInterface
public interface Promotion {

  /** Stores each item as a long-term memory (with dedupe); throws when any item fails. */
  Outcome promote(List<ShortTermItem> items);

  /**
   * What promotion did.
   *
   * @param created new long-term memories
   * @param deduplicated items merged into existing memories
   */
  record Outcome(long created, long deduplicated) {}
}
