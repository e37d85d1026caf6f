package dev.nerve.learning.support;

import dev.nerve.platform.error.NerveException;
import java.util.regex.Pattern;

/** Checks shared by the learning operations; each failure names the field and the rule. */
public final class Inputs {

  /** Longest id, key or item name. */
  public static final int MAX_ID_CHARS = 200;

  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private Inputs() {}

  /** A required identifier: non-blank, at most {@link #MAX_ID_CHARS}, no control characters. */
  public static String id(String field, String value) {
    if (value == null || value.isBlank()) {
      throw NerveException.invalid(field, "required", "must not be empty");
    }
    return text(field, value, MAX_ID_CHARS);
  }

  /** Optional text of at most {@code max} characters without control characters. */
  public static String text(String field, String value, int max) {
    if (value.length() > max) {
      throw NerveException.invalid(field, "max", "must be at most " + max + " characters");
    }
    if (CONTROL.matcher(value).find()) {
      throw NerveException.invalid(field, "format", "must not contain control characters");
    }
    return value;
  }

  /** A page size: 0 means {@code fallback}, above {@code max} is bad input. */
  public static int pageSize(String field, int value, int fallback, int max) {
    if (value < 0 || value > max) {
      throw NerveException.invalid(field, "range", "must be between 0 and " + max);
    }
    return value == 0 ? fallback : value;
  }

  /** A number in [min, max]; NaN is bad input. */
  public static double range(String field, double value, double min, double max) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw NerveException.invalid(field, "range", "must be between " + min + " and " + max);
    }
    return value;
  }
}
