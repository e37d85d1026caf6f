package dev.nerve.sdk.support;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Input rules shared by the SDK's RPCs, so every field is checked the same way and bad input is
 * refused before anything is written. Violations are collected with {@link Violations}.
 */
public final class Inputs {

  /** Endpoint names: 1-128 of {@code A-Z a-z 0-9 . _ : -}. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Integration ids and action names: 1-64 of {@code A-Z a-z 0-9 . _ -}. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Extension ids: 1-64 of {@code a-z 0-9 _ -}, starting with a letter or digit. */
  public static final Pattern EXTENSION_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** Largest free-form payload (params, settings, schemas), as compact JSON. */
  public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

  private Inputs() {}

  /** Collects violations of one request and throws them together. */
  public static final class Violations {
    private final List<FieldViolation> found = new java.util.ArrayList<>();

    public Violations add(String field, String rule, String message) {
      found.add(new FieldViolation(field, rule, message));
      return this;
    }

    public boolean none() {
      return found.isEmpty();
    }

    /** Checks {@code value} against {@code pattern}, with {@code what} describing the pattern. */
    public Violations match(String field, String value, Pattern pattern, String what) {
      if (value.isEmpty()) {
        add(field, "required", "must not be empty");
      } else if (!pattern.matcher(value).matches()) {
        add(field, "format", "must be " + what);
      }
      return this;
    }

    public Violations maxLength(String field, String value, int max) {
      if (value.length() > max) {
        add(field, "maxLength", "must be at most " + max + " characters long");
      }
      return this;
    }

    public Violations payload(String field, Struct struct) {
      if (struct.getSerializedSize() > MAX_PAYLOAD_BYTES * 2
          || Json.print(struct).getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
        add(field, "maxBytes", "must be at most " + MAX_PAYLOAD_BYTES + " bytes as JSON");
      }
      return this;
    }

    public Violations payload(String field, Value value) {
      if (Json.print(value).getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
        add(field, "maxBytes", "must be at most " + MAX_PAYLOAD_BYTES + " bytes as JSON");
      }
      return this;
    }

    /** Throws INVALID_ARGUMENT with every violation when there is any. */
    public void check() {
      if (!found.isEmpty()) {
        throw NerveException.invalid(found);
      }
    }
  }

  public static Violations violations() {
    return new Violations();
  }

  /** A required id matching {@code pattern}, or INVALID_ARGUMENT. */
  public static String require(String field, String value, Pattern pattern, String what) {
    violations().match(field, value, pattern, what).check();
    return value;
  }
}
