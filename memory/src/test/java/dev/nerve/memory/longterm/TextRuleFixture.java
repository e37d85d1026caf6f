package dev.nerve.memory.longterm;

import dev.nerve.memory.search.IndexedMemory;
import dev.nerve.memory.search.KeywordAnalysis;
import dev.nerve.memory.search.KeywordQueries;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A few chat turns in one index, ranked on relevance alone by two searchers: one with a text rule
 * ({@link HybridSearcher.TextRules}) and one without any, so a test shows what the rule changes.
 */
final class TextRuleFixture implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** The query's vector. */
  static final float[] TOPIC = {1, 0, 0};
  /** Near the topic, a little further from the query than {@link #TOPIC}. */
  static final float[] NEAR = {0.9f, 0.43589f, 0};
  static final float[] OTHER = {0, 0, 1};
  private static final HybridSearcher.Weights RELEVANCE_ONLY = new HybridSearcher.Weights(1, 1, 0, 0);

  private final SearchIndex index;
  final HybridSearcher withRule;
  final HybridSearcher withoutRule;

  TextRuleFixture(Path dir, HybridSearcher.TextRules rule, List<IndexedMemory> memories) {
    index = new SearchIndex(dir, 16, KeywordAnalysis.ENGLISH, KeywordQueries.DEFAULT);
    index.apply(memories, List.of(), 1);
    withRule = searcher(rule);
    withoutRule = searcher(HybridSearcher.TextRules.OFF);
  }

  static IndexedMemory memory(String id, String text, float[] vector) {
    return new IndexedMemory(id, "t", "u", "", "chat", text, List.of(), Map.of(), 0.5, T0, T0, null, "m", vector);
  }

  List<HybridSearcher.Candidate> rank(HybridSearcher searcher, String question) {
    SearchFilter filter =
        new SearchFilter("t", "u", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, T0);
    return searcher.rank(filter, question, "m", TOPIC, RELEVANCE_ONLY, T0);
  }

  List<String> ids(HybridSearcher searcher, String question) {
    return rank(searcher, question).stream().map(HybridSearcher.Candidate::id).toList();
  }

  private HybridSearcher searcher(HybridSearcher.TextRules rules) {
    return new HybridSearcher(
        index, HybridSearcher.Fusion.CONVEX, HybridSearcher.Expansion.OFF, rules, 60, 50, Duration.ofDays(30));
  }

  @Override
  public void close() {
    withRule.close();
    withoutRule.close();
    index.close();
  }
}
