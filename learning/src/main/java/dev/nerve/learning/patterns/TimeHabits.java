package dev.nerve.learning.patterns;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recurring time habits of each item: the hour-long window of the day (starting on a quarter
 * hour) holding most of its occurrences (among equals, the one they sit most centrally in), and
 * the weekday holding most of them. A habit's
 * regularity is concentration times coverage: the share of the item's occurrences inside the
 * window (or on the weekday), times the share of the observed days (weeks) that have one there.
 * An item done every day at 08:00 scores 1; one done at random times scores near 0. Support is
 * the coverage. Deterministic: ties go to the earliest window or weekday, results sort by
 * regularity, then item.
 */
public final class TimeHabits {

  private static final int SLOT_MINUTES = 15;
  private static final int WINDOW_MINUTES = 60;

  private TimeHabits() {}

  /** When an item happened. */
  public record Occurrence(String item, Instant at) {}

  /**
   * A habit.
   *
   * @param item the item
   * @param daily true for a time-of-day habit, false for a weekday habit
   * @param startMinute for daily habits: minute of the day the hour-long window starts
   * @param weekday for weekday habits: the day
   * @param occurrences occurrences inside the window or on the weekday
   * @param periodsWith days (weeks) with an occurrence there
   * @param periods days (weeks) observed
   * @param concentration share of the item's occurrences there
   * @param regularity concentration times coverage
   * @param spreadMinutes standard deviation of the minute of day of the occurrences there
   * @param first first occurrence there
   * @param last last occurrence there
   */
  public record Habit(
      String item,
      boolean daily,
      int startMinute,
      DayOfWeek weekday,
      long occurrences,
      long periodsWith,
      long periods,
      double concentration,
      double regularity,
      double spreadMinutes,
      Instant first,
      Instant last) {

    /** Share of observed periods with an occurrence. */
    public double coverage() {
      return periods == 0 ? 0 : (double) periodsWith / periods;
    }
  }

  /**
   * Habits over occurrences observed from {@code from} (inclusive) to {@code until} (exclusive)
   * in {@code zone}; an item needs at least {@code minCount} occurrences in its window and two
   * distinct periods there to count.
   */
  public static List<Habit> find(List<Occurrence> occurrences, ZoneId zone, Instant from, Instant until, long minCount) {
    Map<String, List<ZonedDateTime>> byItem = new TreeMap<>();
    for (Occurrence o : occurrences) {
      byItem.computeIfAbsent(o.item(), k -> new ArrayList<>()).add(o.at().atZone(zone));
    }
    LocalDate firstDay = from.atZone(zone).toLocalDate();
    LocalDate lastDay = until.minusNanos(1).atZone(zone).toLocalDate();
    long days = ChronoUnit.DAYS.between(firstDay, lastDay) + 1;
    long weeks = countWeeks(firstDay, lastDay);
    List<Habit> habits = new ArrayList<>();
    for (Map.Entry<String, List<ZonedDateTime>> entry : byItem.entrySet()) {
      List<ZonedDateTime> times = entry.getValue();
      times.sort(Comparator.naturalOrder());
      daily(entry.getKey(), times, days, minCount).ifPresent(habits::add);
      weekly(entry.getKey(), times, weeks, minCount).ifPresent(habits::add);
    }
    habits.sort(Comparator.comparingDouble(Habit::regularity).reversed().thenComparing(Habit::item).thenComparing(Habit::daily));
    return habits;
  }

  private static long countWeeks(LocalDate first, LocalDate last) {
    Set<String> weeks = new HashSet<>();
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      weeks.add(d.get(IsoFields.WEEK_BASED_YEAR) + "-" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
    return weeks.size();
  }

  private static java.util.Optional<Habit> daily(String item, List<ZonedDateTime> times, long days, long minCount) {
    // The window holding most occurrences; among equals, the one they sit most centrally in.
    int bestStart = -1;
    long bestCount = -1;
    double bestOffCentre = Double.MAX_VALUE;
    for (int start = 0; start < 24 * 60; start += SLOT_MINUTES) {
      long count = 0;
      double offsets = 0;
      for (ZonedDateTime t : times) {
        int minute = minuteOfDay(t);
        if (inWindow(minute, start)) {
          count++;
          offsets += Math.floorMod(minute - start, 24 * 60);
        }
      }
      double offCentre = count == 0 ? Double.MAX_VALUE : Math.abs(offsets / count - WINDOW_MINUTES / 2.0);
      if (count > bestCount || (count == bestCount && offCentre < bestOffCentre - 1e-9)) {
        bestCount = count;
        bestStart = start;
        bestOffCentre = offCentre;
      }
    }
    List<ZonedDateTime> inside = new ArrayList<>();
    Set<LocalDate> daysWith = new HashSet<>();
    for (ZonedDateTime t : times) {
      if (inWindow(minuteOfDay(t), bestStart)) {
        inside.add(t);
        daysWith.add(t.toLocalDate());
      }
    }
    if (inside.size() < minCount || daysWith.size() < 2 || days < 2) {
      return java.util.Optional.empty();
    }
    double concentration = (double) inside.size() / times.size();
    double coverage = Math.min(1.0, (double) daysWith.size() / days);
    double spread = spread(inside, bestStart);
    return java.util.Optional.of(
        new Habit(item, true, bestStart, null, inside.size(), daysWith.size(), days, concentration,
            concentration * coverage, spread, inside.get(0).toInstant(), inside.get(inside.size() - 1).toInstant()));
  }

  private static java.util.Optional<Habit> weekly(String item, List<ZonedDateTime> times, long weeks, long minCount) {
    long[] counts = new long[7];
    for (ZonedDateTime t : times) {
      counts[t.getDayOfWeek().getValue() - 1]++;
    }
    int best = 0;
    for (int d = 1; d < 7; d++) {
      if (counts[d] > counts[best]) {
        best = d;
      }
    }
    DayOfWeek weekday = DayOfWeek.of(best + 1);
    List<ZonedDateTime> inside = times.stream().filter(t -> t.getDayOfWeek() == weekday).toList();
    Set<String> weeksWith = new HashSet<>();
    for (ZonedDateTime t : inside) {
      weeksWith.add(t.get(IsoFields.WEEK_BASED_YEAR) + "-" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
    if (inside.size() < minCount || weeksWith.size() < 2 || weeks < 2) {
      return java.util.Optional.empty();
    }
    double concentration = (double) inside.size() / times.size();
    double coverage = Math.min(1.0, (double) weeksWith.size() / weeks);
    return java.util.Optional.of(
        new Habit(item, false, -1, weekday, inside.size(), weeksWith.size(), weeks, concentration,
            concentration * coverage, 0, inside.get(0).toInstant(), inside.get(inside.size() - 1).toInstant()));
  }

  private static int minuteOfDay(ZonedDateTime t) {
    return t.getHour() * 60 + t.getMinute();
  }

  /** Whether a minute of day falls in the hour-long window from {@code start}, wrapping at midnight. */
  private static boolean inWindow(int minute, int start) {
    int offset = Math.floorMod(minute - start, 24 * 60);
    return offset < WINDOW_MINUTES;
  }

  private static double spread(List<ZonedDateTime> inside, int start) {
    double sum = 0;
    double sumSquares = 0;
    for (ZonedDateTime t : inside) {
      double offset = Math.floorMod(minuteOfDay(t) - start, 24 * 60);
      sum += offset;
      sumSquares += offset * offset;
    }
    double mean = sum / inside.size();
    return Math.sqrt(Math.max(0, sumSquares / inside.size() - mean * mean));
  }
}
