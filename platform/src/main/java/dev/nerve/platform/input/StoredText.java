package dev.nerve.platform.input;

import java.util.Optional;

/**
 * Rules for text that is stored: PostgreSQL rejects the NUL character in text and jsonb, and an
 * unpaired UTF-16 surrogate has no UTF-8 form (the driver would store {@code ?} and return
 * something else than was sent). Inputs are checked against them at the boundary, so such text is
 * a clear INVALID_ARGUMENT naming the field instead of a failed insert; text written on the
 * server's own behalf (audit entries) is cleaned instead.
 */
public final class StoredText {

  private StoredText() {}

  /** Why {@code value} cannot be stored as given; empty when it can. */
  public static Optional<String> problem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        return Optional.of("must not contain the NUL character (U+0000)");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return Optional.of("must be valid Unicode (unpaired surrogate at index " + i + ")");
      }
      if (Character.isLowSurrogate(c)) {
        return Optional.of("must be valid Unicode (unpaired surrogate at index " + i + ")");
      }
    }
    return Optional.empty();
  }

  /** {@code value} with every NUL and unpaired surrogate replaced by U+FFFD; null stays null. */
  public static String clean(String value) {
    if (value == null || problem(value).isEmpty()) {
      return value;
    }
    StringBuilder cleaned = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        cleaned.append(c).append(value.charAt(++i));
      } else if (c == '\u0000' || Character.isSurrogate(c)) {
        cleaned.append('\uFFFD');
      } else {
        cleaned.append(c);
      }
    }
    return cleaned.toString();
  }
}
