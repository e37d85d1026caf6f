package dev.nerve.memory.support;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.memory.MemoryProperties;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.input.StoredText;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks request fields against the configured limits before anything is written, so bad input
 * fails with INVALID_ARGUMENT naming the field and leaves no trace. Every text, key and string
 * value must also be storable as given ({@link StoredText}: no NUL, no unpaired surrogate), and
 * every number in free-form JSON finite; the violation names the exact path, e.g. {@code
 * metadata.tags[2]}.
 */
public final class Inputs {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/+-]+");

  private final MemoryProperties.Limits limits;

  public Inputs(MemoryProperties.Limits limits) {
    this.limits = limits;
  }

  public MemoryProperties.Limits limits() {
    return limits;
  }

  /** Non-blank text within the length limit. */
  public String text(String field, String value) {
    if (value == null || value.isBlank()) {
      throw NerveException.invalid(field, "required", "must not be empty");
    }
    return boundedText(field, value);
  }

  /** Possibly empty text within the length limit. */
  public String boundedText(String field, String value) {
    if (value.length() > limits.maxTextChars()) {
      throw NerveException.invalid(
          field, "max_length", "must be at most " + limits.maxTextChars() + " characters");
    }
    return storable(field, value);
  }

  /** {@code value}, unless it cannot be stored as given (NUL, unpaired surrogate). */
  public static String storable(String field, String value) {
    StoredText.problem(value)
        .ifPresent(
            problem -> {
              throw NerveException.invalid(field, "encoding", problem);
            });
    return value;
  }

  /** An optional identifier (agent, session, kind, source): empty or a short token. */
  public String optionalId(String field, String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    if (value.length() > limits.maxIdChars()) {
      throw NerveException.invalid(
          field, "max_length", "must be at most " + limits.maxIdChars() + " characters");
    }
    if (!ID.matcher(value).matches()) {
      throw NerveException.invalid(
          field, "format", "may only contain letters, digits and . _ : @ / + -");
    }
    return value;
  }

  /** A free-text label (source): short, any characters but control characters. */
  public String label(String field, String value) {
    if (value.length() > limits.maxIdChars()) {
      throw NerveException.invalid(
          field, "max_length", "must be at most " + limits.maxIdChars() + " characters");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw NerveException.invalid(field, "format", "must not contain control characters");
    }
    return storable(field, value);
  }

  /** Distinct, non-blank, short tags, at most the configured number. */
  public List<String> tags(String field, List<String> tags) {
    if (tags.size() > limits.maxTags()) {
      throw NerveException.invalid(field, "max_items", "at most " + limits.maxTags() + " tags");
    }
    LinkedHashSet<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      if (tag.isBlank()) {
        throw NerveException.invalid(field + "[" + i + "]", "required", "must not be empty");
      }
      label(field + "[" + i + "]", tag);
      if (tag.length() > limits.maxTagChars()) {
        throw NerveException.invalid(
            field + "[" + i + "]",
            "max_length",
            "must be at most " + limits.maxTagChars() + " characters");
      }
      distinct.add(tag);
    }
    return List.copyOf(distinct);
  }

  /** A JSON object within the size limit, returned as compact JSON. */
  public String json(String field, Struct value) {
    checkStruct(field, value, 0);
    String json = Json.print(value);
    if (json.getBytes(StandardCharsets.UTF_8).length > limits.maxMetadataBytes()) {
      throw NerveException.invalid(
          field, "max_size", "must be at most " + limits.maxMetadataBytes() + " bytes as JSON");
    }
    return json;
  }

  /** Deepest nesting of objects and arrays in free-form JSON. */
  static final int MAX_DEPTH = 32;

  private static void checkStruct(String path, Struct struct, int depth) {
    if (depth > MAX_DEPTH) {
      throw NerveException.invalid(path, "max_depth", "nests deeper than " + MAX_DEPTH + " levels");
    }
    for (java.util.Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
      StoredText.problem(field.getKey())
          .ifPresent(
              problem -> {
                throw NerveException.invalid(path, "encoding", "has a key that " + problem);
              });
      checkValue(path + "." + field.getKey(), field.getValue(), depth + 1);
    }
  }

  private static void checkValue(String path, Value value, int depth) {
    switch (value.getKindCase()) {
      case STRING_VALUE -> storable(path, value.getStringValue());
      case NUMBER_VALUE -> {
        if (!Double.isFinite(value.getNumberValue())) {
          throw NerveException.invalid(path, "finite", "must be a finite number");
        }
      }
      case STRUCT_VALUE -> checkStruct(path, value.getStructValue(), depth);
      case LIST_VALUE -> {
        if (depth > MAX_DEPTH) {
          throw NerveException.invalid(path, "max_depth", "nests deeper than " + MAX_DEPTH + " levels");
        }
        java.util.List<Value> items = value.getListValue().getValuesList();
        for (int i = 0; i < items.size(); i++) {
          checkValue(path + "[" + i + "]", items.get(i), depth + 1);
        }
      }
      case KIND_NOT_SET -> throw NerveException.invalid(path, "required", "has no value (use null)");
      default -> {
        // null and booleans are always fine.
      }
    }
  }

  /** A page or result size: 0 means {@code fallback}, otherwise 1..max. */
  public static int limit(String field, int value, int fallback, int max) {
    if (value == 0) {
      return fallback;
    }
    if (value < 0 || value > max) {
      throw NerveException.invalid(field, "range", "must be between 1 and " + max);
    }
    return value;
  }

  /** A number within [min, max]. */
  public static double range(String field, double value, double min, double max) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw NerveException.invalid(field, "range", "must be between " + min + " and " + max);
    }
    return value;
  }
}
