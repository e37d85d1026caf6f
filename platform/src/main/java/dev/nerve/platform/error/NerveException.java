package dev.nerve.platform.error;

import java.util.List;

/**
 * A domain error that reaches the caller: services throw it, one interceptor turns it into a gRPC
 * status, and the gateway turns that into GraphQL and REST errors.
 */
public class NerveException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient List<FieldViolation> violations;

  public NerveException(ErrorCode code, String message) {
    this(code, message, List.of(), null);
  }

  public NerveException(
      ErrorCode code, String message, List<FieldViolation> violations, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.violations = List.copyOf(violations);
  }

  /** Input that breaks one rule. */
  public static NerveException invalid(String field, String rule, String description) {
    return new NerveException(
        ErrorCode.INVALID_ARGUMENT,
        field + ": " + description,
        List.of(new FieldViolation(field, rule, description)),
        null);
  }

  /** Input that breaks several rules at once. */
  public static NerveException invalid(List<FieldViolation> violations) {
    String message =
        violations.stream()
            .map(v -> v.field() + ": " + v.description())
            .reduce((a, b) -> a + "; " + b)
            .orElse("invalid input");
    return new NerveException(ErrorCode.INVALID_ARGUMENT, message, violations, null);
  }

  /** An object that does not exist in the caller's scope. */
  public static NerveException notFound(String kind, String id) {
    return new NerveException(ErrorCode.NOT_FOUND, kind + " '" + id + "' not found");
  }

  /** A stale write. */
  public static NerveException conflict(String message) {
    return new NerveException(ErrorCode.CONFLICT, message);
  }

  public ErrorCode code() {
    return code;
  }

  public List<FieldViolation> violations() {
    return violations;
  }
}
