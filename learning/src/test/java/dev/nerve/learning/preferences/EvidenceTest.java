package dev.nerve.learning.preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decay and Bayesian confidence of preference evidence. */
class EvidenceTest {

  static final Duration HALF_LIFE = Duration.ofDays(30);
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  @Test
  void noEvidenceIsAnEvenScoreWithNoConfidence() {
    Evidence none = Evidence.none(T0);
    assertThat(none.score()).isEqualTo(0.5);
    assertThat(none.confidence()).isCloseTo(0, within(1e-12));
  }

  @Test
  void aSignalHalvesEveryHalfLife() {
    Evidence one = Evidence.none(T0).add(1, true, T0, HALF_LIFE);
    assertThat(one.at(T0.plus(HALF_LIFE), HALF_LIFE).alpha()).isCloseTo(0.5, within(1e-12));
    assertThat(one.at(T0.plus(HALF_LIFE.multipliedBy(3)), HALF_LIFE).alpha()).isCloseTo(0.125, within(1e-12));
    // An old signal arriving late counts as decayed, the reference stays.
    Evidence late = one.add(1, true, T0.minus(HALF_LIFE), HALF_LIFE);
    assertThat(late.alpha()).isCloseTo(1.5, within(1e-12));
    assertThat(late.reference()).isEqualTo(T0);
  }

  /** Beta(11, 1): mean 11/12; sd = sqrt(11 / (144 * 13)) = 0.0766; confidence 1 - 0.0766 / 0.2887 = 0.7346. */
  @Test
  void scoreIsThePosteriorMeanAndConfidenceGrowsWithEvidence() {
    Evidence ten = Evidence.none(T0);
    for (int i = 0; i < 10; i++) {
      ten = ten.add(1, true, T0, HALF_LIFE);
    }
    assertThat(ten.score()).isCloseTo(11.0 / 12, within(1e-12));
    assertThat(ten.confidence()).isCloseTo(1 - Math.sqrt(11.0 / (144 * 13)) / Math.sqrt(1.0 / 12), within(1e-12));
    Evidence one = Evidence.none(T0).add(1, true, T0, HALF_LIFE);
    assertThat(one.confidence()).isLessThan(ten.confidence());
    // One dislike moves a strong preference only a little: Beta(11, 2) has mean 11/13.
    Evidence disliked = ten.add(1, false, T0, HALF_LIFE);
    assertThat(disliked.score()).isCloseTo(11.0 / 13, within(1e-12)).isGreaterThan(0.8);
    // Old evidence decays towards the prior: less sure, closer to 0.5.
    Evidence aged = ten.at(T0.plus(HALF_LIFE.multipliedBy(4)), HALF_LIFE);
    assertThat(aged.confidence()).isLessThan(ten.confidence());
    assertThat(aged.score()).isLessThan(ten.score()).isGreaterThan(0.5);
  }

  @Test
  void theStateDoesNotDependOnTheOrderSignalsArriveIn() {
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      orderDoesNotMatter(1 + random.nextInt(20), random);
    }
  }

  private static void orderDoesNotMatter(int count, Random random) {
    List<Object[]> signals = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      signals.add(new Object[] {random.nextDouble(), random.nextBoolean(), T0.plus(Duration.ofHours(random.nextInt(24 * 120)))});
    }
    Evidence inOrder = apply(signals);
    Collections.shuffle(signals, random);
    Evidence shuffled = apply(signals);
    Instant now = T0.plus(Duration.ofDays(200));
    assertThat(shuffled.at(now, HALF_LIFE).alpha()).isCloseTo(inOrder.at(now, HALF_LIFE).alpha(), within(1e-9));
    assertThat(shuffled.at(now, HALF_LIFE).beta()).isCloseTo(inOrder.at(now, HALF_LIFE).beta(), within(1e-9));
    // And it equals the closed form: the sum of each weight decayed from its time.
    double alpha = 0;
    for (Object[] s : signals) {
      if ((Boolean) s[1]) {
        alpha += (Double) s[0] * Math.pow(0.5, Duration.between((Instant) s[2], now).toNanos() / (double) HALF_LIFE.toNanos());
      }
    }
    assertThat(inOrder.at(now, HALF_LIFE).alpha()).isCloseTo(alpha, within(1e-9));
  }

  private static Evidence apply(List<Object[]> signals) {
    Evidence e = Evidence.none((Instant) signals.get(0)[2]);
    for (Object[] s : signals) {
      e = e.add((Double) s[0], (Boolean) s[1], (Instant) s[2], HALF_LIFE);
    }
    return e;
  }
}
