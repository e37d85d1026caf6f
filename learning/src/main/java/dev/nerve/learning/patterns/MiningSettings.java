package dev.nerve.learning.patterns;

import dev.nerve.api.learning.v1.MiningParameters;
import dev.nerve.api.learning.v1.PatternKind;
import dev.nerve.learning.support.Inputs;
import dev.nerve.platform.error.NerveException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;

/**
 * Mining parameters with their defaults applied and their ranges checked.
 *
 * @param minSupport relative minimum support, used when minSupportCount is 0
 * @param minSupportCount absolute minimum support; 0 uses minSupport
 * @param minConfidence minimum confidence of rules and sequences
 * @param maxPatterns most patterns returned
 * @param maxLength longest itemset or sequence
 * @param maxGap gap limit of sequences; 0 for none
 * @param zone time zone of time habits
 * @param minRegularity lowest regularity of a time habit
 * @param sessionGap inactivity that splits sessions
 * @param kinds kinds to look for
 */
record MiningSettings(
    double minSupport,
    long minSupportCount,
    double minConfidence,
    int maxPatterns,
    int maxLength,
    int maxGap,
    ZoneId zone,
    double minRegularity,
    Duration sessionGap,
    Set<PatternKind> kinds) {

  static MiningSettings of(MiningParameters p, int maxPatternsLimit) {
    double minSupport = p.getMinSupport() == 0 ? 0.1 : Inputs.range("params.minSupport", p.getMinSupport(), 0, 1);
    if (p.getMinSupportCount() < 0) {
      throw NerveException.invalid("params.minSupportCount", "range", "must not be negative");
    }
    double minConfidence = p.getMinConfidence() == 0 ? 0.5 : Inputs.range("params.minConfidence", p.getMinConfidence(), 0, 1);
    if (p.getMaxPatterns() < 0 || p.getMaxPatterns() > maxPatternsLimit) {
      throw NerveException.invalid("params.maxPatterns", "range", "must be between 0 and " + maxPatternsLimit);
    }
    if (p.getMaxLength() < 0 || p.getMaxLength() > 10) {
      throw NerveException.invalid("params.maxLength", "range", "must be between 0 and 10");
    }
    if (p.getMaxGap() < 0) {
      throw NerveException.invalid("params.maxGap", "range", "must not be negative");
    }
    ZoneId zone;
    try {
      zone = p.getTimeZone().isEmpty() ? ZoneId.of("UTC") : ZoneId.of(p.getTimeZone());
    } catch (DateTimeException e) {
      throw NerveException.invalid("params.timeZone", "known", "is not an IANA time zone such as Europe/Berlin");
    }
    double minRegularity = p.getMinRegularity() == 0 ? 0.5 : Inputs.range("params.minRegularity", p.getMinRegularity(), 0, 1);
    Duration gap = Duration.ofMinutes(30);
    if (p.hasSessionGap()) {
      gap = Duration.ofSeconds(p.getSessionGap().getSeconds(), p.getSessionGap().getNanos());
      if (gap.isNegative() || gap.isZero()) {
        throw NerveException.invalid("params.sessionGap", "range", "must be positive");
      }
    }
    Set<PatternKind> kinds = EnumSet.noneOf(PatternKind.class);
    for (int i = 0; i < p.getKindsCount(); i++) {
      PatternKind kind = p.getKinds(i);
      if (kind == PatternKind.PATTERN_KIND_UNSPECIFIED || kind == PatternKind.UNRECOGNIZED) {
        throw NerveException.invalid("params.kinds[" + i + "]", "enum", "must be a pattern kind");
      }
      kinds.add(kind);
    }
    if (kinds.isEmpty()) {
      kinds = EnumSet.complementOf(EnumSet.of(PatternKind.PATTERN_KIND_UNSPECIFIED, PatternKind.UNRECOGNIZED));
    }
    return new MiningSettings(
        minSupport,
        p.getMinSupportCount(),
        minConfidence,
        p.getMaxPatterns() == 0 ? 20 : p.getMaxPatterns(),
        p.getMaxLength() == 0 ? 5 : p.getMaxLength(),
        p.getMaxGap(),
        zone,
        minRegularity,
        gap,
        kinds);
  }

  /** The minimum count over {@code total} transactions: the absolute one, or the relative one rounded up. */
  long minCount(long total) {
    if (minSupportCount > 0) {
      return minSupportCount;
    }
    return Math.max(1, (long) Math.ceil(minSupport * total - 1e-9));
  }
}
