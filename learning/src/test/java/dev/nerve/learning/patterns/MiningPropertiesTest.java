package dev.nerve.learning.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The miners against brute-force enumeration on small random inputs: every candidate itemset or
 * sequence over the alphabet is counted directly, and the miners must return exactly the ones
 * reaching the minimum count, with the same counts.
 */
class MiningPropertiesTest {

  private static final List<String> ALPHABET = List.of("a", "b", "c", "d", "e");

  @Provide
  Arbitrary<List<List<String>>> transactions() {
    return Arbitraries.of(ALPHABET).list().ofMinSize(0).ofMaxSize(5).list().ofMinSize(1).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<List<String>>> sequences() {
    return Arbitraries.of(ALPHABET.subList(0, 4)).list().ofMinSize(0).ofMaxSize(7).list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 300)
  void fpGrowthEqualsBruteForce(
      @ForAll("transactions") List<List<String>> transactions,
      @ForAll @IntRange(min = 1, max = 4) int minCount,
      @ForAll @IntRange(min = 1, max = 5) int maxLength) {
    Map<List<String>, Long> expected = new HashMap<>();
    for (int mask = 1; mask < (1 << ALPHABET.size()); mask++) {
      List<String> candidate = new ArrayList<>();
      for (int i = 0; i < ALPHABET.size(); i++) {
        if ((mask & (1 << i)) != 0) {
          candidate.add(ALPHABET.get(i));
        }
      }
      if (candidate.size() > maxLength) {
        continue;
      }
      long count = transactions.stream().filter(t -> new HashSet<>(t).containsAll(candidate)).count();
      if (count >= minCount) {
        expected.put(candidate, count);
      }
    }
    Map<List<String>, Long> actual = new HashMap<>();
    for (FrequentItemset set : FpGrowth.mine(transactions, minCount, maxLength)) {
      assertThat(actual.put(set.items(), set.count())).as("duplicate %s", set.items()).isNull();
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Property(tries = 200)
  void associationRulesEqualBruteForce(
      @ForAll("transactions") List<List<String>> transactions, @ForAll @IntRange(min = 1, max = 3) int minCount) {
    double minConfidence = 0.6;
    List<FrequentItemset> itemsets = FpGrowth.mine(transactions, minCount, 5);
    Set<String> expected = new HashSet<>();
    for (FrequentItemset set : itemsets) {
      List<String> items = set.items();
      for (int mask = 1; mask < (1 << items.size()) - 1; mask++) {
        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          ((mask & (1 << i)) != 0 ? left : right).add(items.get(i));
        }
        long both = transactions.stream().filter(t -> new HashSet<>(t).containsAll(items)).count();
        long leftCount = transactions.stream().filter(t -> new HashSet<>(t).containsAll(left)).count();
        long rightCount = transactions.stream().filter(t -> new HashSet<>(t).containsAll(right)).count();
        double confidence = (double) both / leftCount;
        if (confidence >= minConfidence) {
          double lift = confidence / ((double) rightCount / transactions.size());
          expected.add(left + "->" + right + ":" + both + ":" + Math.round(confidence * 1e9) + ":" + Math.round(lift * 1e9));
        }
      }
    }
    Set<String> actual = new HashSet<>();
    for (AssociationRule rule : AssociationRules.derive(itemsets, transactions.size(), minConfidence)) {
      actual.add(rule.antecedent() + "->" + rule.consequent() + ":" + rule.count() + ":"
          + Math.round(rule.confidence() * 1e9) + ":" + Math.round(rule.lift() * 1e9));
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Property(tries = 300)
  void prefixSpanEqualsBruteForce(
      @ForAll("sequences") List<List<String>> sequences,
      @ForAll @IntRange(min = 1, max = 3) int minCount,
      @ForAll @IntRange(min = 1, max = 4) int maxLength,
      @ForAll @IntRange(min = 0, max = 3) int maxGap) {
    List<String> alphabet = ALPHABET.subList(0, 4);
    Map<List<String>, Long> expected = new HashMap<>();
    List<List<String>> frontier = List.of(List.of());
    for (int length = 1; length <= maxLength; length++) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> prefix : frontier) {
        for (String item : alphabet) {
          List<String> candidate = new ArrayList<>(prefix);
          candidate.add(item);
          long count = sequences.stream().filter(s -> contains(s, candidate, maxGap)).count();
          if (count >= minCount) {
            expected.put(candidate, count);
            next.add(candidate); // anti-monotone: only frequent prefixes can grow
          }
        }
      }
      frontier = next;
    }
    Map<List<String>, Long> actual = new HashMap<>();
    for (SequentialPattern pattern : PrefixSpan.mine(sequences, minCount, maxLength, maxGap)) {
      assertThat(actual.put(pattern.items(), pattern.count())).isNull();
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Property(tries = 100)
  void minersAreDeterministicUnderInputOrder(@ForAll("transactions") List<List<String>> transactions) {
    List<List<String>> reversed = new ArrayList<>(transactions);
    java.util.Collections.reverse(reversed);
    assertThat(FpGrowth.mine(reversed, 2, 5)).isEqualTo(FpGrowth.mine(transactions, 2, 5));
    assertThat(PrefixSpan.mine(reversed, 2, 3, 2)).isEqualTo(PrefixSpan.mine(transactions, 2, 3, 2));
  }

  /** Whether {@code pattern} occurs in {@code sequence} in order, consecutive items at most {@code gap} apart. */
  static boolean contains(List<String> sequence, List<String> pattern, int gap) {
    return match(sequence, pattern, 0, -1, gap);
  }

  private static boolean match(List<String> sequence, List<String> pattern, int k, int last, int gap) {
    if (k == pattern.size()) {
      return true;
    }
    for (int i = last + 1; i < sequence.size(); i++) {
      if (k > 0 && gap > 0 && i - last > gap) {
        break;
      }
      if (sequence.get(i).equals(pattern.get(k)) && match(sequence, pattern, k + 1, i, gap)) {
        return true;
      }
    }
    return false;
  }
}
