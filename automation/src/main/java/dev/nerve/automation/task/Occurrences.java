package dev.nerve.automation.task;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/**
 * When a task's occurrences fall: cron expressions (Spring's {@link CronExpression}), read in the
 * task's time zone. Across DST transitions, as classic cron does: a local time that does not exist
 * on the day clocks spring forward is skipped that day; a local time that exists twice when they
 * fall back fires once (at its first instance) for expressions with a fixed hour, while hourly
 * (wildcard-hour) expressions keep firing every real hour.
 */
public final class Occurrences {

  private Occurrences() {}

  /**
   * A parsed cron schedule in a zone; five fields get a leading seconds field of 0.
   *
   * @throws IllegalArgumentException with a message for people when either part is invalid
   */
  public static Cron cron(String expression, String timeZone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    String trimmed = expression.trim();
    String six = !trimmed.startsWith("@") && trimmed.split("\\s+").length == 5 ? "0 " + trimmed : trimmed;
    CronExpression cron;
    try {
      cron = CronExpression.parse(six);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("is not a valid cron expression: " + e.getMessage());
    }
    ZoneId zone;
    try {
      zone = timeZone == null || timeZone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("time zone '" + timeZone + "' is not an IANA zone id");
    }
    String[] fields = six.split("\\s+");
    boolean fixedHour = !six.startsWith("@") && fields.length == 6 && !fields[2].contains("*") && !fields[2].contains("/");
    return new Cron(cron, zone, fixedHour || six.equals("@daily") || six.equals("@midnight") || six.equals("@weekly")
        || six.equals("@monthly") || six.equals("@yearly") || six.equals("@annually"));
  }

  /**
   * A cron schedule in a zone.
   *
   * @param expression the parsed expression
   * @param zone the zone it is read in
   * @param fixedHour whether its hour is fixed (fires once in a repeated local hour)
   */
  public record Cron(CronExpression expression, ZoneId zone, boolean fixedHour) {

    /** The first occurrence strictly after {@code after}, or null when there is none. */
    public Instant next(Instant after) {
      ZonedDateTime next = expression.next(after.atZone(zone));
      if (next != null && fixedHour && !next.withEarlierOffsetAtOverlap().equals(next)) {
        next = expression.next(next);
      }
      return next == null ? null : next.toInstant();
    }
  }
}
