package dev.nerve.learning.patterns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Sequential patterns by PrefixSpan (Pei et al., 2001) over sequences of single items: a frequent
 * prefix is grown one item at a time by scanning only its projected database, the suffixes after
 * each occurrence of the prefix. Support counts sequences, not occurrences.
 *
 * <p>With a gap limit g, consecutive pattern items may be at most g positions apart. A gap limit
 * breaks PrefixSpan's usual "first occurrence is enough" shortcut (a later occurrence may be the
 * one a close enough next item follows), so the projection then keeps every position where the
 * prefix can end; without a limit it keeps only the earliest. Exact and deterministic: results
 * are sorted by count (descending), length, then items.
 */
public final class PrefixSpan {

  private PrefixSpan() {}

  /**
   * Every pattern of at most {@code maxLength} items contained in at least {@code minCount} of
   * the sequences, with consecutive items at most {@code maxGap} positions apart (0: no limit).
   */
  public static List<SequentialPattern> mine(List<? extends List<String>> sequences, long minCount, int maxLength, int maxGap) {
    if (minCount < 1) {
      throw new IllegalArgumentException("minCount must be at least 1");
    }
    ItemCodes codes = new ItemCodes();
    int[][] encoded = new int[sequences.size()][];
    for (int s = 0; s < encoded.length; s++) {
      List<String> sequence = sequences.get(s);
      encoded[s] = new int[sequence.size()];
      for (int i = 0; i < sequence.size(); i++) {
        encoded[s][i] = codes.code(sequence.get(i));
      }
    }
    // The empty prefix "ends" before position 0 of every sequence; its first item has no gap limit.
    List<Projection> start = new ArrayList<>(encoded.length);
    for (int s = 0; s < encoded.length; s++) {
      start.add(new Projection(s, new int[] {-1}));
    }
    List<SequentialPattern> found = new ArrayList<>();
    grow(encoded, start, new int[0], minCount, maxLength, maxGap, codes, found);
    found.sort(
        Comparator.comparingLong(SequentialPattern::count)
            .reversed()
            .thenComparingInt(p -> p.items().size())
            .thenComparing(p -> String.join("\u0000", p.items())));
    return found;
  }

  /** A sequence of the projected database and the positions where the prefix may end in it. */
  private record Projection(int sequence, int[] ends) {}

  private static void grow(
      int[][] sequences,
      List<Projection> projected,
      int[] prefix,
      long minCount,
      int maxLength,
      int maxGap,
      ItemCodes codes,
      List<SequentialPattern> out) {
    if (prefix.length >= maxLength) {
      return;
    }
    // Count, per item, the projected sequences where it can extend the prefix.
    TreeMap<String, Integer> candidates = new TreeMap<>();
    int[] seen = new int[codes.size()];
    Arrays.fill(seen, -1);
    long[] counts = new long[codes.size()];
    for (int p = 0; p < projected.size(); p++) {
      Projection projection = projected.get(p);
      int[] sequence = sequences[projection.sequence()];
      for (int end : projection.ends()) {
        int limit = limit(sequence.length, end, prefix.length == 0 ? 0 : maxGap);
        for (int i = end + 1; i < limit; i++) {
          int item = sequence[i];
          if (seen[item] != p) {
            seen[item] = p;
            counts[item]++;
          }
        }
      }
    }
    for (int item = 0; item < counts.length; item++) {
      if (counts[item] >= minCount) {
        candidates.put(codes.name(item), item);
      }
    }
    for (int item : candidates.values()) {
      int[] extended = Arrays.copyOf(prefix, prefix.length + 1);
      extended[prefix.length] = item;
      List<Projection> next = new ArrayList<>();
      for (Projection projection : projected) {
        int[] sequence = sequences[projection.sequence()];
        int[] ends = ends(sequence, projection.ends(), item, prefix.length == 0 ? 0 : maxGap, maxGap);
        if (ends.length > 0) {
          next.add(new Projection(projection.sequence(), ends));
        }
      }
      List<String> names = new ArrayList<>(extended.length);
      for (int code : extended) {
        names.add(codes.name(code));
      }
      out.add(new SequentialPattern(names, next.size()));
      grow(sequences, next, extended, minCount, maxLength, maxGap, codes, out);
    }
  }

  /** Positions where {@code item} extends a prefix ending at one of {@code ends}, in order. */
  private static int[] ends(int[] sequence, int[] ends, int item, int gap, int maxGap) {
    boolean[] hit = new boolean[sequence.length];
    int first = Integer.MAX_VALUE;
    int last = -1;
    for (int end : ends) {
      int limit = limit(sequence.length, end, gap);
      for (int i = end + 1; i < limit; i++) {
        if (sequence[i] == item) {
          hit[i] = true;
          first = Math.min(first, i);
          last = Math.max(last, i);
        }
      }
    }
    if (last < 0) {
      return new int[0];
    }
    if (maxGap == 0) {
      // Without a gap limit the earliest end dominates every later one.
      return new int[] {first};
    }
    int[] result = new int[sequence.length];
    int n = 0;
    for (int i = first; i <= last; i++) {
      if (hit[i]) {
        result[n++] = i;
      }
    }
    return Arrays.copyOf(result, n);
  }

  private static int limit(int length, int end, int gap) {
    return gap <= 0 ? length : (int) Math.min(length, (long) end + gap + 1);
  }
}
