package dev.nerve.platform.error;

/**
 * One broken input rule, named so a client can point at the field.
 *
 * @param field path of the offending field, e.g. {@code params.limit}
 * @param rule short rule id, e.g. {@code max} or {@code required}
 * @param description human sentence, e.g. "must be at most 100"
 */
public record FieldViolation(String field, String rule, String description) {}
