package dev.nerve.bench.learning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The classic Apriori algorithm (Agrawal and Srikant, 1994), kept here only as the reference the
 * benchmark compares FP-Growth with: level by level, candidates of size k+1 are joined from
 * frequent k-itemsets sharing their first k-1 items, pruned when a k-subset is infrequent, and
 * counted by a pass over every transaction. Items are integer codes; itemsets sorted arrays.
 */
final class Apriori {

  private Apriori() {}

  /** Every itemset of at most {@code maxLength} items in at least {@code minCount} transactions, with its count. */
  static Map<List<Integer>, Long> mine(List<int[]> transactions, long minCount, int maxLength) {
    Map<List<Integer>, Long> frequent = new HashMap<>();
    Map<Integer, Long> singles = new HashMap<>();
    for (int[] t : transactions) {
      for (int item : t) {
        singles.merge(item, 1L, Long::sum);
      }
    }
    List<int[]> level = new ArrayList<>();
    singles.forEach((item, count) -> {
      if (count >= minCount) {
        frequent.put(List.of(item), count);
        level.add(new int[] {item});
      }
    });
    level.sort(Arrays::compare);
    List<int[]> current = level;
    for (int k = 1; k < maxLength && !current.isEmpty(); k++) {
      Set<List<Integer>> previous = new HashSet<>();
      for (int[] set : current) {
        previous.add(box(set));
      }
      List<int[]> candidates = new ArrayList<>();
      for (int i = 0; i < current.size(); i++) {
        for (int j = i + 1; j < current.size(); j++) {
          int[] a = current.get(i);
          int[] b = current.get(j);
          if (!Arrays.equals(a, 0, k - 1, b, 0, k - 1)) {
            break; // sorted: no later b shares a's prefix
          }
          int[] candidate = Arrays.copyOf(a, k + 1);
          candidate[k] = b[k - 1];
          if (allSubsetsFrequent(candidate, previous)) {
            candidates.add(candidate);
          }
        }
      }
      // Count by enumerating each transaction's (k+1)-subsets of frequent items and looking
      // them up among the candidates (transactions are short, so this beats scanning candidates).
      Set<List<Integer>> candidateSet = new HashSet<>();
      candidates.forEach(c -> candidateSet.add(box(c)));
      Map<List<Integer>, Long> counts = new HashMap<>();
      for (int[] t : transactions) {
        int[] items = Arrays.stream(t).filter(singles::containsKey).filter(i -> singles.get(i) >= minCount).distinct().sorted().toArray();
        subsets(items, k + 1, 0, new int[k + 1], 0, subset -> {
          List<Integer> key = box(subset);
          if (candidateSet.contains(key)) {
            counts.merge(key, 1L, Long::sum);
          }
        });
      }
      List<int[]> next = new ArrayList<>();
      for (int[] candidate : candidates) {
        Long count = counts.get(box(candidate));
        if (count != null && count >= minCount) {
          frequent.put(box(candidate), count);
          next.add(candidate);
        }
      }
      next.sort(Arrays::compare);
      current = next;
    }
    return frequent;
  }

  private static void subsets(int[] items, int size, int from, int[] chosen, int depth, java.util.function.Consumer<int[]> out) {
    if (depth == size) {
      out.accept(chosen);
      return;
    }
    for (int i = from; i <= items.length - (size - depth); i++) {
      chosen[depth] = items[i];
      subsets(items, size, i + 1, chosen, depth + 1, out);
    }
  }

  private static boolean allSubsetsFrequent(int[] candidate, Set<List<Integer>> previous) {
    for (int skip = 0; skip < candidate.length; skip++) {
      List<Integer> subset = new ArrayList<>(candidate.length - 1);
      for (int i = 0; i < candidate.length; i++) {
        if (i != skip) {
          subset.add(candidate[i]);
        }
      }
      if (!previous.contains(subset)) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> box(int[] set) {
    List<Integer> list = new ArrayList<>(set.length);
    for (int item : set) {
      list.add(item);
    }
    return list;
  }
}
