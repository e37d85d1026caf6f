package dev.nerve.learning.patterns;

import java.util.List;

/**
 * A set of items found together in at least the minimum number of transactions.
 *
 * @param items the items, sorted by name
 * @param count number of transactions containing every item
 */
public record FrequentItemset(List<String> items, long count) {

  public FrequentItemset {
    items = List.copyOf(items);
  }
}
