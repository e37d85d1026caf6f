package dev.nerve.memory.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyword queries match memories for their topic words, not for the words a question is made of. */
class KeywordQueryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final float[] X = {1, 0, 0};

  @TempDir Path dir;

  @Test
  void aQuestionMatchesTheTopicNotTheTurnsPhrasedLikeIt() {
    try (SearchIndex questionWords = index(dir.resolve("on"), true);
        SearchIndex plain = index(dir.resolve("off"), false)) {
      String question = "What did Ben name the new puppy?";
      assertThat(ids(questionWords.keyword(filter(), question, 10))).containsExactly("answer");
      // Analysed as texts are, "what" and "did" match the partner's question too.
      assertThat(ids(plain.keyword(filter(), question, 10))).containsExactlyInAnyOrder("answer", "phrasing");
      // The ceiling counts only the topic words, so the answer covers more of the query.
      assertThat(questionWords.keywordCeiling(filter(), question)).isLessThan(plain.keywordCeiling(filter(), question));
    }
  }

  @Test
  void aQueryOfQuestionWordsOnlyStillMatchesThem() {
    try (SearchIndex index = index(dir, true)) {
      assertThat(ids(index.keyword(filter(), "what did you do?", 10))).containsExactly("phrasing");
      assertThat(index.keywordCeiling(filter(), "what did you do?")).isPositive();
    }
  }

  @Test
  void aMemoryScoresForTheQueryWordsItHoldsWhateverItsLength() {
    List<IndexedMemory> memories =
        List.of(
            memory("echo", "Ann: Pottery? Fun!"),
            memory("told", "Ben: Oh, and I took my first pottery class last weekend, it was a long day but totally worth it."),
            memory("other", "Ann: The weather was lovely at the lake."));
    try (SearchIndex byDefault = new SearchIndex(dir.resolve("default"), 16, KeywordAnalysis.ENGLISH, KeywordQueries.DEFAULT);
        SearchIndex lengthNormalized = new SearchIndex(dir.resolve("b"), 16, KeywordAnalysis.ENGLISH, new KeywordQueries(true, 0.75))) {
      byDefault.apply(memories, List.of(), 1);
      lengthNormalized.apply(memories, List.of(), 1);
      List<SearchIndex.Hit> hits = byDefault.keyword(filter(), "Who took a pottery class?", 10);
      List<SearchIndex.Hit> potteryOnly = byDefault.keyword(filter(), "pottery", 10);
      List<SearchIndex.Hit> normalized = lengthNormalized.keyword(filter(), "pottery", 10);

      assertThat(ids(hits).get(0)).isEqualTo("told");
      // One word each: the same score, the share of the query either holds.
      assertThat(potteryOnly.get(0).score()).isEqualTo(potteryOnly.get(1).score());
      assertThat(potteryOnly.get(0).score() / byDefault.keywordCeiling(filter(), "pottery")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
      // Lucene's length normalization lifts the short echo above the turn that told it.
      assertThat(ids(normalized)).containsExactly("echo", "told");
      assertThat(normalized.get(0).score()).isGreaterThan(normalized.get(1).score());
    }
  }

  private static SearchIndex index(Path path, boolean questionWords) {
    SearchIndex index = new SearchIndex(path, 16, KeywordAnalysis.ENGLISH, new KeywordQueries(questionWords, 0));
    index.apply(
        List.of(
            memory("phrasing", "Ann: What did you do this weekend?"),
            memory("answer", "Ben: We adopted a puppy and named him Rex."),
            memory("other", "Ann: The weather was lovely at the lake.")),
        List.of(),
        1);
    return index;
  }

  private static IndexedMemory memory(String id, String text) {
    return new IndexedMemory(id, "t", "u", "", "chat", text, List.of(), Map.of(), 0.5, T0, T0, null, "m", X);
  }

  private static SearchFilter filter() {
    return new SearchFilter("t", "u", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, T0);
  }

  private static List<String> ids(List<SearchIndex.Hit> hits) {
    return hits.stream().map(SearchIndex.Hit::id).toList();
  }
}
