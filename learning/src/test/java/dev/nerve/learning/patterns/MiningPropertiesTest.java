package dev.nerve.learning.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The miners against brute-force enumeration on small random inputs (seeded, so a failing try is
 * named and reproducible): every candidate itemset or sequence over the alphabet is counted
 * directly, and the miners must return exactly the ones reaching the minimum count, with the same
 * counts.
 */
class MiningPropertiesTest {

  private static final List<String> ALPHABET = List.of("a", "b", "c", "d", "e");
  private static final long SEED = 20261130L;

  /** Between {@code min} and {@code max} lists of up to {@code maxItems} letters of {@code alphabet}. */
  static List<List<String>> lists(Random random, List<String> alphabet, int maxItems, int min, int max) {
    List<List<String>> lists = new ArrayList<>();
    int count = min + random.nextInt(max - min + 1);
    for (int i = 0; i < count; i++) {
      List<String> items = new ArrayList<>();
      int size = random.nextInt(maxItems + 1);
      for (int j = 0; j < size; j++) {
        items.add(alphabet.get(random.nextInt(alphabet.size())));
      }
      lists.add(items);
    }
    return lists;
  }

  static List<List<String>> transactions(Random random) {
    return lists(random, ALPHABET, 5, 1, 12);
  }

  static List<List<String>> sequences(Random random) {
    return lists(random, ALPHABET.subList(0, 4), 7, 1, 8);
  }

  static int between(Random random, int min, int max) {
    return min + random.nextInt(max - min + 1);
  }

  @Test
  void fpGrowthEqualsBruteForce() {
    for (int n = 0; n < 300; n++) {
      Random random = new Random(SEED + n);
      fpGrowthEqualsBruteForce(n, transactions(random), between(random, 1, 4), between(random, 1, 5));
    }
  }

  private static void fpGrowthEqualsBruteForce(int n, List<List<String>> transactions, int minCount, int maxLength) {
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
      assertThat(actual.put(set.items(), set.count())).as("try %d: duplicate %s", n, set.items()).isNull();
    }
    assertThat(actual).as("try %d: %s", n, transactions).isEqualTo(expected);
  }

  @Test
  void associationRulesEqualBruteForce() {
    for (int n = 0; n < 200; n++) {
      Random random = new Random(SEED + 1000 + n);
      associationRulesEqualBruteForce(n, transactions(random), between(random, 1, 3));
    }
  }

  private static void associationRulesEqualBruteForce(int n, List<List<String>> transactions, int minCount) {
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
    assertThat(actual).as("try %d: %s", n, transactions).isEqualTo(expected);
  }

  @Test
  void prefixSpanEqualsBruteForce() {
    for (int n = 0; n < 300; n++) {
      Random random = new Random(SEED + 2000 + n);
      prefixSpanEqualsBruteForce(
          n, sequences(random), between(random, 1, 3), between(random, 1, 4), between(random, 0, 3));
    }
  }

  private static void prefixSpanEqualsBruteForce(
      int n, List<List<String>> sequences, int minCount, int maxLength, int maxGap) {
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
      assertThat(actual.put(pattern.items(), pattern.count())).as("try %d", n).isNull();
    }
    assertThat(actual).as("try %d: %s", n, sequences).isEqualTo(expected);
  }

  @Test
  void minersAreDeterministicUnderInputOrder() {
    for (int n = 0; n < 100; n++) {
      List<List<String>> transactions = transactions(new Random(SEED + 3000 + n));
      List<List<String>> reversed = new ArrayList<>(transactions);
      java.util.Collections.reverse(reversed);
      assertThat(FpGrowth.mine(reversed, 2, 5)).as("try %d", n).isEqualTo(FpGrowth.mine(transactions, 2, 5));
      assertThat(PrefixSpan.mine(reversed, 2, 3, 2)).as("try %d", n).isEqualTo(PrefixSpan.mine(transactions, 2, 3, 2));
    }
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
