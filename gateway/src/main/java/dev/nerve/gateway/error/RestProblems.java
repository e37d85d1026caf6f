package dev.nerve.gateway.error;

import java.net.URI;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place errors become REST responses: RFC 9457 problem+json with the same {@code code}
 * and {@code violations} as GraphQL. Spring MVC's own errors (bad JSON, wrong types, unknown
 * routes) come out in the same shape through {@link ResponseEntityExceptionHandler}; errors Tomcat
 * answers before Spring sees the request do through {@link ProblemErrorReportValve}. Errors worth
 * retrying (503 UNAVAILABLE, 429 RATE_LIMITED) carry {@code Retry-After} and {@code
 * retryAfterSeconds}.
 */
@RestControllerAdvice
public class RestProblems extends ResponseEntityExceptionHandler {

  /** Problem type URI of an error class. */
  public static URI type(ErrorClass errorClass) {
    return URI.create("urn:nerve:problem:" + errorClass.name().toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> error(Exception ex) {
    return problem(ClientError.ofAny(ex));
  }

  /** Query parameters that are not valid percent-encoded UTF-8 (Tomcat refuses to decode them). */
  @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
  ResponseEntity<ProblemDetail> undecodable(RuntimeException ex) {
    return problem(
        new ClientError(
            ErrorClass.BAD_USER_INPUT, "request parameters are not valid percent-encoded UTF-8", java.util.List.of()));
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ResponseEntity<Object> response = super.handleExceptionInternal(ex, body, headers, status, request);
    if (response != null && response.getBody() instanceof ProblemDetail problem) {
      ErrorClass errorClass = ErrorClass.ofHttpStatus(status.value());
      problem.setType(type(errorClass));
      problem.setProperty("code", errorClass.name());
    }
    return response;
  }

  /** The response for a client error, with {@code Retry-After} when it has a retry hint. */
  public static ResponseEntity<ProblemDetail> problem(ClientError error) {
    ProblemDetail problem = body(error);
    ResponseEntity.BodyBuilder response = ResponseEntity.status(error.errorClass().httpStatus());
    error.retryAfterSeconds().ifPresent(seconds -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
    return response.body(problem);
  }

  /** The problem+json body of a client error. */
  public static ProblemDetail body(ClientError error) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(error.errorClass().httpStatus(), error.message());
    problem.setType(type(error.errorClass()));
    problem.setProperty("code", error.errorClass().name());
    if (!error.violations().isEmpty()) {
      problem.setProperty(
          "violations",
          error.violations().stream()
              .map(v -> java.util.Map.of("field", v.field(), "rule", v.rule(), "message", v.description()))
              .toList());
    }
    error.retryAfterSeconds().ifPresent(seconds -> problem.setProperty("retryAfterSeconds", seconds));
    return problem;
  }
}
