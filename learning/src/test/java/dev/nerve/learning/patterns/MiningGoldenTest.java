package dev.nerve.learning.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-checked outputs of the miners on small inputs, worked out in the comments. */
class MiningGoldenTest {

  /**
   * The example of Han, Pei and Yin (SIGMOD 2000), min support 3. Restricted to the frequent items
   * (f:4, c:4, a:3, b:3, m:3, p:3) the transactions are facmp, abcfm, bf, bcp, afcmp, so the
   * frequent pairs are fc, fa, fm, ca, cm, cp, am (3 each; fp, fb, cb, ap, mp are 2 or less), the
   * triples fca, fcm, fam, cam and the one quadruple fcam: 18 itemsets, as in the paper.
   */
  static final List<List<String>> HAN = List.of(
      List.of("f", "a", "c", "d", "g", "i", "m", "p"),
      List.of("a", "b", "c", "f", "l", "m", "o"),
      List.of("b", "f", "h", "j", "o"),
      List.of("b", "c", "k", "s", "p"),
      List.of("a", "f", "c", "e", "l", "p", "m", "n"));

  @Test
  void fpGrowthFindsTheEighteenItemsetsOfThePaper() {
    List<FrequentItemset> found = FpGrowth.mine(HAN, 3, 10);
    assertThat(found)
        .containsExactly(
            set(4, "c"), set(4, "f"),
            set(3, "a"), set(3, "b"), set(3, "m"), set(3, "p"),
            set(3, "a", "c"), set(3, "a", "f"), set(3, "a", "m"), set(3, "c", "f"), set(3, "c", "m"),
            set(3, "c", "p"), set(3, "f", "m"),
            set(3, "a", "c", "f"), set(3, "a", "c", "m"), set(3, "a", "f", "m"), set(3, "c", "f", "m"),
            set(3, "a", "c", "f", "m"));
  }

  @Test
  void maxLengthCutsLongerItemsets() {
    assertThat(FpGrowth.mine(HAN, 3, 2)).hasSize(13).allMatch(s -> s.items().size() <= 2);
  }

  /**
   * Rules of the paper's itemsets at confidence 1: p -> c (c and p together 3 times, p 3 times;
   * lift 1 / (4/5) = 1.25), a -> c, a -> f, a -> m and the like (lift 1.25 for c and f, which are
   * in 4 of 5 transactions; 1.6667 for m, in 3 of 5).
   */
  @Test
  void associationRulesHaveSupportConfidenceAndLift() {
    List<AssociationRule> rules = AssociationRules.derive(FpGrowth.mine(HAN, 3, 10), HAN.size(), 1.0);
    AssociationRule pc = rules.stream().filter(r -> r.antecedent().equals(List.of("p"))).findFirst().orElseThrow();
    assertThat(pc.consequent()).containsExactly("c");
    assertThat(pc.count()).isEqualTo(3);
    assertThat(pc.support()).isEqualTo(0.6);
    assertThat(pc.confidence()).isEqualTo(1.0);
    assertThat(pc.lift()).isCloseTo(1.25, within(1e-12));
    AssociationRule am = rules.stream()
        .filter(r -> r.antecedent().equals(List.of("a")) && r.consequent().equals(List.of("m")))
        .findFirst()
        .orElseThrow();
    assertThat(am.lift()).isCloseTo(5.0 / 3, within(1e-12));
    // c -> p holds 3 times in 4: below confidence 1, so absent; present at 0.75 with lift 1.25.
    assertThat(rules).noneMatch(r -> r.antecedent().equals(List.of("c")) && r.consequent().equals(List.of("p")));
    AssociationRule cp = AssociationRules.derive(FpGrowth.mine(HAN, 3, 10), HAN.size(), 0.75).stream()
        .filter(r -> r.antecedent().equals(List.of("c")) && r.consequent().equals(List.of("p")))
        .findFirst()
        .orElseThrow();
    assertThat(cp.confidence()).isEqualTo(0.75);
    assertThat(cp.lift()).isCloseTo(1.25, within(1e-12));
    // Rules sort by confidence, then lift: the first rules are the confidence-1 rules into m.
    assertThat(rules.get(0).consequent()).containsExactly("m");
  }

  /**
   * Sequences abc, ac, abcb, bc at min count 2. Items: c in 4, a in 3, b in 3. Pairs: ac in
   * S1, S2, S3; bc in S1, S3, S4; ab in S1, S3; bb, cb only in S3; ba, ca, aa, cc nowhere.
   * Triples: abc in S1, S3; abb, acb, bcb only in S3.
   */
  static final List<List<String>> SEQUENCES = List.of(
      List.of("a", "b", "c"), List.of("a", "c"), List.of("a", "b", "c", "b"), List.of("b", "c"));

  @Test
  void prefixSpanFindsTheHandCountedPatterns() {
    assertThat(PrefixSpan.mine(SEQUENCES, 2, 10, 0))
        .containsExactly(
            seq(4, "c"), seq(3, "a"), seq(3, "b"), seq(3, "a", "c"), seq(3, "b", "c"), seq(2, "a", "b"),
            seq(2, "a", "b", "c"));
  }

  /**
   * With a gap of 1 (adjacent items) ac holds only in S2 (a and c are two apart in S1 and S3), so
   * it drops out; ab (S1, S3), bc (S1, S3, S4) and abc (S1, S3) stay.
   */
  @Test
  void prefixSpanHonoursTheGapLimit() {
    assertThat(PrefixSpan.mine(SEQUENCES, 2, 10, 1))
        .containsExactly(
            seq(4, "c"), seq(3, "a"), seq(3, "b"), seq(3, "b", "c"), seq(2, "a", "b"), seq(2, "a", "b", "c"));
    assertThat(PrefixSpan.mine(SEQUENCES, 2, 1, 0)).hasSize(3);
  }

  /**
   * "news" at 08:05 on each of 10 days and "report" on three Fridays at varied times, over 14
   * days (2 ISO weeks plus, i.e. 3 weeks touched). news: every occurrence in one hour window,
   * every day of 10 among 14 observed: regularity 1 * 10/14.
   */
  @Test
  void timeHabitsFindTheDailyHourAndTheWeekday() {
    ZoneId zone = ZoneId.of("Europe/Berlin");
    ZonedDateTime monday = ZonedDateTime.of(2026, 3, 2, 0, 0, 0, 0, zone);
    List<TimeHabits.Occurrence> occurrences = new ArrayList<>();
    for (int day = 0; day < 10; day++) {
      occurrences.add(new TimeHabits.Occurrence("news", monday.plusDays(day).withHour(8).withMinute(5).toInstant()));
    }
    occurrences.add(new TimeHabits.Occurrence("report", monday.plusDays(4).withHour(9).toInstant()));
    occurrences.add(new TimeHabits.Occurrence("report", monday.plusDays(11).withHour(15).toInstant()));
    Instant from = monday.toInstant();
    Instant until = monday.plusDays(14).toInstant();
    List<TimeHabits.Habit> habits = TimeHabits.find(occurrences, zone, from, until, 2);
    TimeHabits.Habit news = habits.stream().filter(h -> h.item().equals("news") && h.daily()).findFirst().orElseThrow();
    // The 07:30-08:30 window holds 08:05 most centrally (35 minutes in).
    assertThat(news.startMinute()).isEqualTo(7 * 60 + 30);
    assertThat(news.occurrences()).isEqualTo(10);
    assertThat(news.periodsWith()).isEqualTo(10);
    assertThat(news.periods()).isEqualTo(14);
    assertThat(news.concentration()).isEqualTo(1.0);
    assertThat(news.regularity()).isCloseTo(10.0 / 14, within(1e-12));
    assertThat(news.spreadMinutes()).isZero();
    TimeHabits.Habit report = habits.stream().filter(h -> h.item().equals("report") && !h.daily()).findFirst().orElseThrow();
    assertThat(report.weekday()).isEqualTo(DayOfWeek.FRIDAY);
    assertThat(report.periodsWith()).isEqualTo(2);
    assertThat(report.periods()).isEqualTo(2);
    assertThat(report.regularity()).isEqualTo(1.0);
    // Two report times 6 hours apart never share an hour window: no daily habit for it.
    assertThat(habits).noneMatch(h -> h.item().equals("report") && h.daily());
  }

  private static FrequentItemset set(long count, String... items) {
    return new FrequentItemset(List.of(items), count);
  }

  private static SequentialPattern seq(long count, String... items) {
    return new SequentialPattern(List.of(items), count);
  }
}
