package dev.nerve.platform.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A domain error that reaches the caller: services throw it, one interceptor turns it into a gRPC
 * status, and the gateway turns that into GraphQL and REST errors.
 */
public class NerveException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient List<FieldViolation> violations;
  private final transient Duration retryAfter;

  public NerveException(ErrorCode code, String message) {
    this(code, message, List.of(), null);
  }

  public NerveException(
      ErrorCode code, String message, List<FieldViolation> violations, Throwable cause) {
    this(code, message, violations, cause, null);
  }

  /**
   * @param retryAfter how long the caller should wait before retrying; null when no hint applies
   */
  public NerveException(
      ErrorCode code, String message, List<FieldViolation> violations, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.code = code;
    this.violations = List.copyOf(violations);
    this.retryAfter = retryAfter;
  }

  /** A dependency that cannot be reached: nothing was done, retry later. */
  public static NerveException unavailable(String message, Throwable cause) {
    return new NerveException(ErrorCode.UNAVAILABLE, message, List.of(), cause, Duration.ofSeconds(1));
  }

  /** A bounded queue that is full: nothing was done, retry after {@code retryAfter}. */
  public static NerveException overloaded(String message, Duration retryAfter) {
    return new NerveException(ErrorCode.OVERLOADED, message, List.of(), null, retryAfter);
  }

  /** An outcome that is unknown (deadline passed, connection lost while committing). */
  public static NerveException deadlineExceeded(String message, Throwable cause) {
    return new NerveException(ErrorCode.DEADLINE_EXCEEDED, message, List.of(), cause, null);
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

  /** How long to wait before retrying, when the error suggests it. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
