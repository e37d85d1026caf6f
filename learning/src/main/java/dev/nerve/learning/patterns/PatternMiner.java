package dev.nerve.learning.patterns;

import com.google.protobuf.Struct;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.api.learning.v1.PatternElement;
import dev.nerve.api.learning.v1.PatternKind;
import dev.nerve.learning.support.Json;
import dev.nerve.learning.support.Times;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the miners a request asks for over its input and turns their results into {@link Pattern}s:
 * itemsets of two or more items (CO_OCCURRENCE, score = support), association rules
 * (ASSOCIATION_RULE, score = confidence), sequences of two or more items (SEQUENCE, confidence =
 * count over the first item's count, score = support) and time habits (TIME_OF_DAY and PERIODIC,
 * support = coverage, confidence = concentration, score = regularity). The strongest come first:
 * score, then kind, then description.
 */
final class PatternMiner {

  private PatternMiner() {}

  static List<Pattern> mine(MiningInput input, MiningSettings settings) {
    List<Pattern> patterns = new ArrayList<>();
    long transactions = input.transactions().size();
    if (transactions > 0
        && (settings.kinds().contains(PatternKind.PATTERN_KIND_CO_OCCURRENCE)
            || settings.kinds().contains(PatternKind.PATTERN_KIND_ASSOCIATION_RULE))) {
      List<FrequentItemset> itemsets = FpGrowth.mine(input.transactions(), settings.minCount(transactions), settings.maxLength());
      if (settings.kinds().contains(PatternKind.PATTERN_KIND_CO_OCCURRENCE)) {
        for (FrequentItemset set : itemsets) {
          if (set.items().size() >= 2) {
            patterns.add(itemset(set, transactions, itemsets));
          }
        }
      }
      if (settings.kinds().contains(PatternKind.PATTERN_KIND_ASSOCIATION_RULE)) {
        for (AssociationRule rule : AssociationRules.derive(itemsets, transactions, settings.minConfidence())) {
          patterns.add(rule(rule));
        }
      }
    }
    long sequences = input.sequences().size();
    if (sequences > 0 && settings.kinds().contains(PatternKind.PATTERN_KIND_SEQUENCE)) {
      List<SequentialPattern> found = PrefixSpan.mine(input.sequences(), settings.minCount(sequences), settings.maxLength(), settings.maxGap());
      Map<String, Long> singles = new HashMap<>();
      for (SequentialPattern p : found) {
        if (p.items().size() == 1) {
          singles.put(p.items().get(0), p.count());
        }
      }
      for (SequentialPattern p : found) {
        if (p.items().size() >= 2) {
          double confidence = (double) p.count() / singles.get(p.items().get(0));
          if (confidence + 1e-12 >= settings.minConfidence()) {
            patterns.add(sequence(p, sequences, confidence));
          }
        }
      }
    }
    if (!input.occurrences().isEmpty()
        && (settings.kinds().contains(PatternKind.PATTERN_KIND_TIME_OF_DAY)
            || settings.kinds().contains(PatternKind.PATTERN_KIND_PERIODIC))) {
      for (TimeHabits.Habit habit :
          TimeHabits.find(input.occurrences(), settings.zone(), input.from(), input.until(), Math.max(2, settings.minSupportCount()))) {
        PatternKind kind = habit.daily() ? PatternKind.PATTERN_KIND_TIME_OF_DAY : PatternKind.PATTERN_KIND_PERIODIC;
        if (settings.kinds().contains(kind)
            && habit.regularity() + 1e-12 >= settings.minRegularity()
            && (settings.minSupportCount() > 0 ? habit.periodsWith() >= settings.minSupportCount() : habit.coverage() + 1e-12 >= settings.minSupport())) {
          patterns.add(habit(habit, settings));
        }
      }
    }
    patterns.sort(ORDER);
    return patterns.size() > settings.maxPatterns() ? List.copyOf(patterns.subList(0, settings.maxPatterns())) : patterns;
  }

  static final Comparator<Pattern> ORDER =
      Comparator.comparingDouble(Pattern::getScore)
          .reversed()
          .thenComparingInt(p -> p.getKind().getNumber())
          .thenComparing(Pattern::getDescription);

  private static Pattern itemset(FrequentItemset set, long total, List<FrequentItemset> all) {
    long strongestItem = 0;
    for (FrequentItemset single : all) {
      if (single.items().size() == 1 && set.items().contains(single.items().get(0))) {
        strongestItem = Math.max(strongestItem, single.count());
      }
    }
    double support = (double) set.count() / total;
    return Pattern.newBuilder()
        .setKind(PatternKind.PATTERN_KIND_CO_OCCURRENCE)
        .setDescription(join(set.items(), ", ") + " happen together in " + percent(support) + " of sessions")
        .addAllElements(elements(set.items()))
        .setSupport(support)
        .setConfidence((double) set.count() / strongestItem)
        .setOccurrences(set.count())
        .setScore(support)
        .build();
  }

  private static Pattern rule(AssociationRule rule) {
    List<String> items = new ArrayList<>(rule.antecedent());
    items.addAll(rule.consequent());
    return Pattern.newBuilder()
        .setKind(PatternKind.PATTERN_KIND_ASSOCIATION_RULE)
        .setDescription(
            "When " + join(rule.antecedent(), " and ") + ", then also " + join(rule.consequent(), " and ")
                + " (confidence " + percent(rule.confidence()) + String.format(Locale.ROOT, ", lift %.2f)", rule.lift()))
        .addAllElements(elements(items))
        .setAntecedentSize(rule.antecedent().size())
        .setSupport(rule.support())
        .setConfidence(rule.confidence())
        .setLift(rule.lift())
        .setOccurrences(rule.count())
        .setScore(rule.confidence())
        .build();
  }

  private static Pattern sequence(SequentialPattern p, long total, double confidence) {
    double support = (double) p.count() / total;
    return Pattern.newBuilder()
        .setKind(PatternKind.PATTERN_KIND_SEQUENCE)
        .setDescription(join(p.items(), ", then ") + " (in " + percent(support) + " of sessions)")
        .addAllElements(elements(p.items()))
        .setSupport(support)
        .setConfidence(confidence)
        .setOccurrences(p.count())
        .setScore(support)
        .build();
  }

  private static Pattern habit(TimeHabits.Habit habit, MiningSettings settings) {
    Struct.Builder metadata = Struct.newBuilder().putFields("time_zone", Json.string(settings.zone().getId()));
    String description;
    if (habit.daily()) {
      int centre = (habit.startMinute() + 30) % (24 * 60);
      metadata
          .putFields("hour", Json.number(centre / 60))
          .putFields("minute", Json.number(centre % 60))
          .putFields("window_start_minute", Json.number(habit.startMinute()))
          .putFields("spread_minutes", Json.number(Math.round(habit.spreadMinutes() * 10) / 10.0))
          .putFields("days_with", Json.number(habit.periodsWith()))
          .putFields("days", Json.number(habit.periods()));
      description =
          String.format(Locale.ROOT, "%s around %02d:%02d (%d of %d days)", habit.item(), centre / 60, centre % 60, habit.periodsWith(), habit.periods());
    } else {
      metadata
          .putFields("weekday", Json.string(habit.weekday().name()))
          .putFields("weeks_with", Json.number(habit.periodsWith()))
          .putFields("weeks", Json.number(habit.periods()));
      description =
          habit.item() + " on " + habit.weekday().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + "s (" + habit.periodsWith() + " of " + habit.periods() + " weeks)";
    }
    return Pattern.newBuilder()
        .setKind(habit.daily() ? PatternKind.PATTERN_KIND_TIME_OF_DAY : PatternKind.PATTERN_KIND_PERIODIC)
        .setDescription(description)
        .addElements(PatternElement.newBuilder().setEventType(habit.item()))
        .setSupport(habit.coverage())
        .setConfidence(habit.concentration())
        .setOccurrences(habit.occurrences())
        .setFirstSeen(Times.proto(habit.first()))
        .setLastSeen(Times.proto(habit.last()))
        .setMetadata(metadata)
        .setScore(habit.regularity())
        .build();
  }

  private static List<PatternElement> elements(List<String> items) {
    return items.stream().map(i -> PatternElement.newBuilder().setEventType(i).build()).toList();
  }

  private static String join(List<String> items, String separator) {
    return String.join(separator, items);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }
}
