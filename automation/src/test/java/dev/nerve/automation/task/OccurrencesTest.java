package dev.nerve.automation.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Cron occurrences in a time zone, across daylight saving changes. */
class OccurrencesTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant at(String local) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(local), BERLIN).toInstant();
  }

  @Test
  void fiveFieldExpressionsFireAtTheLocalTimeOfTheirZone() {
    var cron = Occurrences.cron("30 7 * * *", "Europe/Berlin");
    assertThat(cron.next(at("2026-06-01T08:00:00"))).isEqualTo(Instant.parse("2026-06-02T05:30:00Z"));
    assertThat(cron.next(at("2026-12-01T08:00:00"))).isEqualTo(Instant.parse("2026-12-02T06:30:00Z"));
  }

  @Test
  void aTimeThatDoesNotExistWhenClocksSpringForwardIsSkipped() {
    // 2026-03-29: Berlin jumps from 02:00 to 03:00, so 02:30 does not exist that day.
    var cron = Occurrences.cron("30 2 * * *", "Europe/Berlin");
    Instant first = cron.next(at("2026-03-28T12:00:00"));
    Instant next = cron.next(first);
    assertThat(first).isEqualTo(at("2026-03-30T02:30:00"));
    assertThat(next).isEqualTo(at("2026-03-31T02:30:00"));
    var hourly = Occurrences.cron("0 * * * *", "Europe/Berlin");
    assertThat(hourly.next(Instant.parse("2026-03-29T00:30:00Z"))).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
  }

  @Test
  void aTimeThatExistsTwiceWhenClocksFallBackFiresOnce() {
    // 2026-10-25: Berlin goes from 03:00 back to 02:00, so 02:30 happens twice.
    var cron = Occurrences.cron("30 2 * * *", "Europe/Berlin");
    Instant first = cron.next(at("2026-10-24T12:00:00"));
    Instant second = cron.next(first);
    assertThat(first).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(second).isEqualTo(Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void hourlyScheduleKeepsAnHourBetweenFiringsAcrossTheChange() {
    var hourly = Occurrences.cron("0 * * * *", "Europe/Berlin");
    Instant t = Instant.parse("2026-10-24T23:00:00Z");
    for (int i = 0; i < 5; i++) {
      Instant next = hourly.next(t);
      assertThat(java.time.Duration.between(t, next)).isEqualTo(java.time.Duration.ofHours(1));
      t = next;
    }
  }

  @Test
  void badExpressionsAndZonesAreRefusedWithAReason() {
    assertThatThrownBy(() -> Occurrences.cron("61 * * * *", "UTC")).hasMessageContaining("not a valid cron expression");
    assertThatThrownBy(() -> Occurrences.cron("0 * * * *", "Mars/Olympus")).hasMessageContaining("IANA");
    assertThat(Occurrences.cron("@daily", "").next(Instant.parse("2026-01-01T10:00:00Z"))).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
  }
}
