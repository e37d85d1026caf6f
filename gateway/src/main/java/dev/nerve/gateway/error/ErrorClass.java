package dev.nerve.gateway.error;

import dev.nerve.platform.error.ErrorCode;
import org.springframework.http.HttpStatus;

/**
 * How each domain error category looks to gateway clients: its GraphQL {@code extensions.code} and
 * its HTTP status. Both error surfaces read this one table.
 */
public enum ErrorClass {
  BAD_USER_INPUT(HttpStatus.BAD_REQUEST),
  UNAUTHENTICATED(HttpStatus.UNAUTHORIZED),
  FORBIDDEN(HttpStatus.FORBIDDEN),
  NOT_FOUND(HttpStatus.NOT_FOUND),
  CONFLICT(HttpStatus.CONFLICT),
  RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS),
  NOT_IMPLEMENTED(HttpStatus.NOT_IMPLEMENTED),
  UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE),
  INTERNAL(HttpStatus.INTERNAL_SERVER_ERROR);

  private final HttpStatus httpStatus;

  ErrorClass(HttpStatus httpStatus) {
    this.httpStatus = httpStatus;
  }

  public HttpStatus httpStatus() {
    return httpStatus;
  }

  /** Error class of an HTTP status raised by the web layer itself (bad JSON, unknown route). */
  public static ErrorClass ofHttpStatus(int status) {
    return switch (status) {
      case 401 -> UNAUTHENTICATED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 429 -> RATE_LIMITED;
      case 501 -> NOT_IMPLEMENTED;
      case 503 -> UNAVAILABLE;
      default -> status >= 400 && status < 500 ? BAD_USER_INPUT : INTERNAL;
    };
  }

  /** Error class of a domain error category. */
  public static ErrorClass of(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> BAD_USER_INPUT;
      case UNAUTHENTICATED -> UNAUTHENTICATED;
      case PERMISSION_DENIED -> FORBIDDEN;
      case NOT_FOUND -> NOT_FOUND;
      case ALREADY_EXISTS, CONFLICT, FAILED_PRECONDITION -> CONFLICT;
      case RESOURCE_EXHAUSTED -> RATE_LIMITED;
      case UNIMPLEMENTED -> NOT_IMPLEMENTED;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
      case INTERNAL -> INTERNAL;
    };
  }
}
