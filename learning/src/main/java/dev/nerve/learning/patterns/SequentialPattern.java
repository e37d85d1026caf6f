package dev.nerve.learning.patterns;

import java.util.List;

/**
 * Items that occur in this order (not necessarily adjacent) in at least the minimum number of
 * sequences.
 *
 * @param items the items, in order
 * @param count number of sequences containing them in order (within the gap limit)
 */
public record SequentialPattern(List<String> items, long count) {

  public SequentialPattern {
    items = List.copyOf(items);
  }
}
