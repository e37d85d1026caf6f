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

  private static SearchIndex index(Path path, boolean questionWords) {
    SearchIndex index = new SearchIndex(path, 16, KeywordAnalysis.ENGLISH, questionWords);
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
