package dev.nerve.memory.longterm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partner's question that echoes a user's question ranks below the turn that answers it, and
 * says so in its explanation.
 */
class QuestionPenaltyTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final float[] TOPIC = {1, 0, 0};
  /** Near the topic, a little further from the question than the echo. */
  private static final float[] ANSWER = {0.9f, 0.43589f, 0};
  private static final float[] OTHER = {0, 0, 1};
  private static final HybridSearcher.Weights RELEVANCE_ONLY = new HybridSearcher.Weights(1, 1, 0, 0);
  private static final String QUESTION = "What does Ben like about the new loft?";

  @TempDir Path dir;

  private SearchIndex index;
  private HybridSearcher lowering;
  private HybridSearcher plain;

  @BeforeEach
  void indexThreeTurns() {
    index = new SearchIndex(dir, 16, KeywordAnalysis.ENGLISH, KeywordQueries.DEFAULT);
    index.apply(
        List.of(
            // The same keyword share for both: the vectors and the penalty decide.
            memory("echo", "Sam: Congrats Ben! What do you like about it?", TOPIC),
            memory("answer", "Ben: I like the park right across the street.", ANSWER),
            memory("filler", "Ben: Traffic was terrible this morning.", OTHER)),
        List.of(),
        1);
    lowering = searcher(0.2);
    plain = searcher(0);
  }

  @AfterEach
  void close() {
    lowering.close();
    plain.close();
    index.close();
  }

  @Test
  void theTurnThatAnswersRanksAboveThePartnersQuestion() {
    List<HybridSearcher.Candidate> ranked = rank(lowering);
    assertThat(ranked).extracting(HybridSearcher.Candidate::id).startsWith("answer", "echo");
    assertThat(ranked.get(0).questionLowered).isFalse();
    assertThat(ranked.get(1).questionLowered).isTrue();
    // Without it, the question that repeats the user's words wins.
    assertThat(rank(plain)).extracting(HybridSearcher.Candidate::id).startsWith("echo", "answer");
    assertThat(rank(plain)).noneMatch(c -> c.questionLowered);
  }

  @Test
  void aPenaltyOutsideZeroToBelowOneIsRefused() {
    for (double penalty : new double[] {-0.1, 1, Double.NaN}) {
      assertThatThrownBy(() -> new HybridSearcher.TextRules(0, penalty))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nerve.memory.long-term.question-penalty");
    }
  }

  private HybridSearcher searcher(double questionPenalty) {
    return new HybridSearcher(
        index,
        HybridSearcher.Fusion.CONVEX,
        HybridSearcher.Expansion.OFF,
        new HybridSearcher.TextRules(0, questionPenalty),
        60,
        50,
        Duration.ofDays(30));
  }

  private List<HybridSearcher.Candidate> rank(HybridSearcher searcher) {
    return searcher.rank(filter(), QUESTION, "m", TOPIC, RELEVANCE_ONLY, T0);
  }

  private static IndexedMemory memory(String id, String text, float[] vector) {
    return new IndexedMemory(id, "t", "u", "", "chat", text, List.of(), Map.of(), 0.5, T0, T0, null, "m", vector);
  }

  private static SearchFilter filter() {
    return new SearchFilter("t", "u", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, T0);
  }
}
