package dev.nerve.memory.shortterm;

import dev.nerve.api.memory.v1.ShortTermHit;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.memory.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ranks a session's items for a query: {@code score = (1 - w) * relevance + w * recency}, where
 * relevance is the IDF-weighted share of the query's terms an item contains (0..1, IDF over the
 * candidate items), recency is {@code 0.5^(age / halfLife)} and w the recency weight. Items that
 * share no term with a non-empty query are left out; an empty query ranks by recency alone.
 */
final class ShortTermRanker {

  private final Duration halfLife;
  private final double recencyWeight;

  ShortTermRanker(Duration halfLife, double recencyWeight) {
    this.halfLife = halfLife;
    this.recencyWeight = recencyWeight;
  }

  List<ShortTermHit> rank(List<ShortTermItem> items, String query, int limit, Instant now) {
    Set<String> queryTerms = terms(query);
    List<Set<String>> itemTerms = items.stream().map(item -> terms(item.getText())).toList();
    Map<String, Double> idf = idf(queryTerms, itemTerms);
    double totalIdf = idf.values().stream().mapToDouble(Double::doubleValue).sum();
    List<ShortTermHit> hits = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ShortTermItem item = items.get(i);
      double recency = recency(item, now);
      double score;
      if (queryTerms.isEmpty()) {
        score = recency;
      } else {
        double matched = 0;
        for (String term : queryTerms) {
          if (itemTerms.get(i).contains(term)) {
            matched += idf.get(term);
          }
        }
        if (matched == 0) {
          continue;
        }
        score = (1 - recencyWeight) * (matched / totalIdf) + recencyWeight * recency;
      }
      hits.add(ShortTermHit.newBuilder().setItem(item).setScore(score).build());
    }
    hits.sort(
        Comparator.comparingDouble(ShortTermHit::getScore)
            .reversed()
            .thenComparing(hit -> Times.instant(hit.getItem().getCreatedAt()), Comparator.reverseOrder())
            .thenComparing(hit -> hit.getItem().getId()));
    return hits.subList(0, Math.min(limit, hits.size()));
  }

  private double recency(ShortTermItem item, Instant now) {
    double ageMillis = Math.max(0, Duration.between(Times.instant(item.getCreatedAt()), now).toMillis());
    return Math.pow(0.5, ageMillis / Math.max(1, halfLife.toMillis()));
  }

  private static Map<String, Double> idf(Set<String> queryTerms, List<Set<String>> documents) {
    Map<String, Double> idf = new HashMap<>();
    int n = documents.size();
    for (String term : queryTerms) {
      long df = documents.stream().filter(d -> d.contains(term)).count();
      idf.put(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    }
    return idf;
  }

  /** Lower-cased words and numbers of a text. */
  static Set<String> terms(String text) {
    if (text.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(t -> !t.isEmpty())
        .collect(Collectors.toCollection(HashSet::new));
  }
}
