package dev.nerve.learning.patterns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Association rules from frequent itemsets: every split of an itemset of two or more items into a
 * non-empty antecedent A and consequent C, with confidence = count(A ∪ C) / count(A) and lift =
 * confidence / (count(C) / N). Every subset of a frequent itemset is frequent, so each count is
 * looked up, never recounted. Sorted by confidence, lift, count, then the items.
 */
public final class AssociationRules {

  private AssociationRules() {}

  /** The rules of {@code itemsets} (mined from {@code transactions} transactions) reaching {@code minConfidence}. */
  public static List<AssociationRule> derive(List<FrequentItemset> itemsets, long transactions, double minConfidence) {
    Map<List<String>, Long> counts = new HashMap<>();
    for (FrequentItemset set : itemsets) {
      counts.put(set.items(), set.count());
    }
    List<AssociationRule> rules = new ArrayList<>();
    for (FrequentItemset set : itemsets) {
      List<String> items = set.items();
      int n = items.size();
      if (n < 2) {
        continue;
      }
      for (int mask = 1; mask < (1 << n) - 1; mask++) {
        List<String> antecedent = new ArrayList<>();
        List<String> consequent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          ((mask & (1 << i)) != 0 ? antecedent : consequent).add(items.get(i));
        }
        Long antecedentCount = counts.get(antecedent);
        Long consequentCount = counts.get(consequent);
        if (antecedentCount == null || consequentCount == null) {
          continue; // only when maxLength cut the subsets, which it never does for subsets
        }
        double confidence = (double) set.count() / antecedentCount;
        if (confidence + 1e-12 < minConfidence) {
          continue;
        }
        double lift = confidence / ((double) consequentCount / transactions);
        rules.add(
            new AssociationRule(antecedent, consequent, set.count(), (double) set.count() / transactions, confidence, lift));
      }
    }
    rules.sort(
        Comparator.comparingDouble(AssociationRule::confidence)
            .reversed()
            .thenComparing(Comparator.comparingDouble(AssociationRule::lift).reversed())
            .thenComparing(Comparator.comparingLong(AssociationRule::count).reversed())
            .thenComparing(r -> String.join("\u0000", r.antecedent()) + "\u0001" + String.join("\u0000", r.consequent())));
    return rules;
  }
}
