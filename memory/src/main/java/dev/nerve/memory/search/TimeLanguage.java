package dev.nerve.memory.search;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises time in English text, for time-aware search: whether a question asks when something
 * happened ("When did Ann adopt Luna?", "How long ago...", "What year..."), and whether a memory
 * says when something happened ("yesterday", "last weekend", "two days ago", "on Saturday", "in
 * June", "2023", "3/14", "at 6pm"). A chat turn that tells an event usually dates it relative to
 * the day it was said, which its {@code occurredAt} pins; the turns that come back to the event
 * later rarely do. Words only, no parsing of what the time is: the ranking needs to know that a
 * turn dates something, not which date. Whether a text mentions a time is indexed, so a change to
 * what {@link #mentionsTime} recognises goes with a new {@link SearchIndex#format()}.
 */
public final class TimeLanguage {

  private static final String NUMBER =
      "(?:\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|a few|a couple(?: of)?|few|several|many)";
  private static final String UNIT = "(?:minute|hour|day|night|week|weekend|month|year|decade)s?";
  private static final String DAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
  private static final String PART = "(?:morning|afternoon|evening|night|weekend|week|month|year|summer|winter|spring|fall|autumn)";
  /** Months, but "may" and "march" only where they cannot be the verb. */
  private static final String MONTH =
      "(?:january|february|april|june|july|august|september|october|november|december"
          + "|(?:in|of|last|next|early|late|mid|since|until|by) (?:may|march)|(?:may|march) \\d)";

  private static final Pattern MENTION =
      Pattern.compile(
          "\\b(?:yesterday|today|tonight|tomorrow|ago|recently|lately|the other day"
              + "|(?:last|next|this|past|coming|previous|earlier this|later this) (?:" + PART + "|" + DAY + "|time)"
              + "|" + DAY + "s?"
              + "|" + MONTH
              + "|(?:19|20)\\d{2}"
              + "|\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?"
              + "|\\d{1,2}(?::\\d{2})? ?(?:am|pm)|o'clock"
              + "|" + NUMBER + " " + UNIT
              + "|when i was)\\b");

  private static final Pattern QUESTION =
      Pattern.compile(
          "(?:^|[^a-z])(?:when(?:'s| (?:did|does|do|is|was|will|would|are|were|has|have|had|can|could)\\b|\\s*\\?|$)"
              + "|since when"
              + "|(?:what|which) (?:year|month|day|date|time|week|weekend|season)"
              + "|how long (?:ago|has|have|had|did|does|do|is|was|were|will)"
              + "|how (?:many|much) (?:" + UNIT + "|time))");

  private TimeLanguage() {}

  /** Whether {@code text} says when something happened. */
  public static boolean mentionsTime(String text) {
    return MENTION.matcher(text.toLowerCase(Locale.ROOT)).find();
  }

  /** Whether the question {@code query} asks when something happened or how long ago. */
  public static boolean asksForTime(String query) {
    return QUESTION.matcher(query.toLowerCase(Locale.ROOT)).find();
  }
}
