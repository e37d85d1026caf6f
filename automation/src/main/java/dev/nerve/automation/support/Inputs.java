package dev.nerve.automation.support;

import com.google.protobuf.MessageOrBuilder;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.platform.error.NerveException;
import java.util.regex.Pattern;

/** Checks of request fields shared by the automation RPCs; each names the field it refuses. */
public final class Inputs {

  /** Default page size. */
  public static final int PAGE = 50;
  /** Largest page size. */
  public static final int MAX_PAGE = 500;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private Inputs() {}

  /** A required id of letters, digits and . _ : - (1 to 128 characters). */
  public static String id(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw NerveException.invalid(field, "required", "must not be empty");
    }
    if (!ID.matcher(value).matches()) {
      throw NerveException.invalid(
          field, "format", "must be 1 to 128 letters, digits or . _ : - starting with a letter or digit");
    }
    return value;
  }

  /** A required value. */
  public static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw NerveException.invalid(field, "required", "must not be empty");
    }
    return value;
  }

  /** Text of at most {@code max} characters without control characters other than newlines. */
  public static String text(String field, String value, int max) {
    if (value.length() > max) {
      throw NerveException.invalid(field, "maxLength", "must be at most " + max + " characters");
    }
    return value;
  }

  /** The page size of a request: 0 means the default, otherwise 1..500. */
  public static int pageSize(PageRequest page) {
    int size = page.getPageSize();
    if (size == 0) {
      return PAGE;
    }
    if (size < 0 || size > MAX_PAGE) {
      throw NerveException.invalid("page.pageSize", "range", "must be between 1 and " + MAX_PAGE);
    }
    return size;
  }

  /** Refuses a payload larger than {@code max} bytes as compact JSON. */
  public static void payload(String field, MessageOrBuilder payload, int max) {
    if (Json.bytes(payload) > max) {
      throw NerveException.invalid(field, "maxBytes", "must be at most " + max + " bytes as JSON");
    }
  }
}
