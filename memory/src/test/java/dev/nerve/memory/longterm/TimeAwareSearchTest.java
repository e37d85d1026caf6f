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
 * A "when" question finds the turn that dated the event before the later turn that only came back
 * to it, and a dated turn about something else is not lifted.
 */
class TimeAwareSearchTest {

  @TempDir Path dir;

  private TextRuleFixture turns;

  @BeforeEach
  void indexThreeTurns() {
    turns =
        new TextRuleFixture(
            dir,
            new HybridSearcher.TextRules(0.2, 0),
            List.of(
                // The dated turn sits a little further from the question than the callback.
                memory("dated", "Ann: Big news, we adopted a puppy last weekend! We named her Luna.", NEAR),
                memory("callback", "Ann: So glad I decided to adopt Luna.", TOPIC),
                memory("filler", "Ben: Traffic was terrible this morning.", OTHER)));
  }

  @AfterEach
  void close() {
    turns.close();
  }

  @Test
  void aWhenQuestionRanksTheTurnThatDatedTheEventFirst() {
    String question = "When did Ann adopt Luna?";
    assertThat(turns.ids(turns.withRule, question)).containsExactly("dated", "callback", "filler");
    // Without it, the short callback that repeats the question's words wins.
    assertThat(turns.ids(turns.withoutRule, question)).containsExactly("callback", "dated", "filler");
  }

  @Test
  void otherQuestionsRankAsWithoutIt() {
    String question = "What did Ann adopt? Luna?";
    assertThat(turns.ids(turns.withRule, question)).isEqualTo(turns.ids(turns.withoutRule, question)).startsWith("callback");
  }

  @Test
  void aNegativeOrInfiniteBoostIsRefused() {
    for (double boost : new double[] {-0.2, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> new HybridSearcher.TextRules(boost, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nerve.memory.long-term.time-boost");
    }
  }
}
