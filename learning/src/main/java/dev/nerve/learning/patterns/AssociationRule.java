package dev.nerve.learning.patterns;

import java.util.List;

/**
 * "Transactions with the antecedent also hold the consequent".
 *
 * @param antecedent items on the left, sorted by name
 * @param consequent items on the right, sorted by name
 * @param count transactions holding both sides
 * @param support count over the number of transactions
 * @param confidence count over the antecedent's count
 * @param lift confidence over the consequent's support
 */
public record AssociationRule(
    List<String> antecedent, List<String> consequent, long count, double support, double confidence, double lift) {

  public AssociationRule {
    antecedent = List.copyOf(antecedent);
    consequent = List.copyOf(consequent);
  }
}
