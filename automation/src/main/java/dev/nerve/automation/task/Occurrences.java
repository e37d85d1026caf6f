package dev.nerve.automation.task;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.springframework.scheduling.support.CronExpression;

/**
 * When a task's occurrences fall: cron expressions (Spring's {@link CronExpression}, read in the
 * task's time zone, so DST transitions follow the zone's rules: a time that does not exist on the
 * day clocks spring forward is skipped, one that exists twice when they fall back fires once),
 * fixed intervals and one-off times.
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
    return new Cron(cron, zone);
  }

  /**
   * A cron schedule in a zone.
   *
   * @param expression the parsed expression
   * @param zone the zone it is read in
   */
  public record Cron(CronExpression expression, ZoneId zone) {

    /** The first occurrence strictly after {@code after}, or null when there is none. */
    public Instant next(Instant after) {
      ZonedDateTime next = expression.next(after.atZone(zone));
      return next == null ? null : next.toInstant();
    }
  }
}
