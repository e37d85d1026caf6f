package dev.nerve.memory.longterm;

import static dev.nerve.memory.longterm.TextRuleFixture.NEAR;
import static dev.nerve.memory.longterm.TextRuleFixture.OTHER;
import static dev.nerve.memory.longterm.TextRuleFixture.TOPIC;
import static dev.nerve.memory.longterm.TextRuleFixture.memory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partner's question that echoes a user's question ranks below the turn that answers it, and
 * says so in its explanation.
 */
class QuestionPenaltyTest {

  private static final String QUESTION = "What does Ben like about the new loft?";

  @TempDir Path dir;

  private TextRuleFixture turns;

  @BeforeEach
  void indexThreeTurns() {
    turns =
        new TextRuleFixture(
            dir,
            new HybridSearcher.TextRules(0, 0.2),
            List.of(
                // The same keyword share for both: the vectors and the penalty decide.
                memory("echo", "Sam: Congrats Ben! What do you like about it?", TOPIC),
                memory("answer", "Ben: I like the park right across the street.", NEAR),
                memory("filler", "Ben: Traffic was terrible this morning.", OTHER)));
  }

  @AfterEach
  void close() {
    turns.close();
  }

  @Test
  void theTurnThatAnswersRanksAboveThePartnersQuestion() {
    List<HybridSearcher.Candidate> ranked = turns.rank(turns.withRule, QUESTION);
    assertThat(ranked).extracting(HybridSearcher.Candidate::id).startsWith("answer", "echo");
    assertThat(ranked.get(0).questionLowered).isFalse();
    assertThat(ranked.get(1).questionLowered).isTrue();
    // Without it, the question that repeats the user's words wins.
    List<HybridSearcher.Candidate> plain = turns.rank(turns.withoutRule, QUESTION);
    assertThat(plain).extracting(HybridSearcher.Candidate::id).startsWith("echo", "answer");
    assertThat(plain).noneMatch(c -> c.questionLowered);
  }

  @Test
  void aPenaltyOutsideZeroToBelowOneIsRefused() {
    for (double penalty : new double[] {-0.1, 1, Double.NaN}) {
      assertThatThrownBy(() -> new HybridSearcher.TextRules(0, penalty))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nerve.memory.long-term.question-penalty");
    }
  }
}
