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
 * A "when" question finds the turn that dated the event before the later turn that only came back
 * to it, and a dated turn about something else is not lifted.
 */
class TimeAwareSearchTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final float[] TOPIC = {1, 0, 0};
  /** Near the topic, a little further from the question than the callback that repeats its words. */
  private static final float[] DATED = {0.9f, 0.43589f, 0};
  private static final float[] OTHER = {0, 0, 1};
  private static final HybridSearcher.Weights RELEVANCE_ONLY = new HybridSearcher.Weights(1, 1, 0, 0);

  @TempDir Path dir;

  private SearchIndex index;
  private HybridSearcher timeAware;
  private HybridSearcher plain;

  @BeforeEach
  void indexThreeTurns() {
    index = new SearchIndex(dir, 16, KeywordAnalysis.ENGLISH, KeywordQueries.DEFAULT);
    index.apply(
        List.of(
            memory("dated", "Ann: Big news, we adopted a puppy last weekend! We named her Luna.", DATED),
            memory("callback", "Ann: So glad I decided to adopt Luna.", TOPIC),
            memory("filler", "Ben: Traffic was terrible this morning.", OTHER)),
        List.of(),
        1);
    timeAware = searcher(index, 0.2);
    plain = searcher(index, 0);
  }

  @AfterEach
  void close() {
    timeAware.close();
    plain.close();
    index.close();
  }

  @Test
  void aWhenQuestionRanksTheTurnThatDatedTheEventFirst() {
    String question = "When did Ann adopt Luna?";
    assertThat(ids(timeAware, question)).containsExactly("dated", "callback", "filler");
    // Without it, the short callback that repeats the question's words wins.
    assertThat(ids(plain, question)).containsExactly("callback", "dated", "filler");
  }

  @Test
  void otherQuestionsRankAsWithoutIt() {
    String question = "What did Ann adopt? Luna?";
    assertThat(ids(timeAware, question)).isEqualTo(ids(plain, question)).startsWith("callback");
  }

  @Test
  void aNegativeOrInfiniteBoostIsRefused() {
    for (double boost : new double[] {-0.2, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> new HybridSearcher.TextRules(boost, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nerve.memory.long-term.time-boost");
    }
  }

  private static HybridSearcher searcher(SearchIndex index, double timeBoost) {
    return new HybridSearcher(
        index,
        HybridSearcher.Fusion.CONVEX,
        HybridSearcher.Expansion.OFF,
        new HybridSearcher.TextRules(timeBoost, 0),
        60,
        50,
        Duration.ofDays(30));
  }

  private static List<String> ids(HybridSearcher searcher, String question) {
    return searcher.rank(filter(), question, "m", TOPIC, RELEVANCE_ONLY, T0).stream().map(HybridSearcher.Candidate::id).toList();
  }

  private static IndexedMemory memory(String id, String text, float[] vector) {
    return new IndexedMemory(id, "t", "u", "", "chat", text, List.of(), Map.of(), 0.5, T0, T0, null, "m", vector);
  }

  private static SearchFilter filter() {
    return new SearchFilter("t", "u", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, T0);
  }
}
