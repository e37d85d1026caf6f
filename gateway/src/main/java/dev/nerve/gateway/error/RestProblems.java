package dev.nerve.gateway.error;

import dev.nerve.gateway.ratelimit.RateLimitedException;
import dev.nerve.platform.error.NerveException;
import io.grpc.StatusRuntimeException;
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
 * routes) come out in the same shape through {@link ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
public class RestProblems extends ResponseEntityExceptionHandler {

  /** Problem type URI of an error class. */
  public static URI type(ErrorClass errorClass) {
    return URI.create("urn:nerve:problem:" + errorClass.name().toLowerCase(Locale.ROOT).replace('_', '-'));
  }

  @ExceptionHandler({NerveException.class, StatusRuntimeException.class})
  ResponseEntity<ProblemDetail> domain(RuntimeException ex) {
    ResponseEntity<ProblemDetail> response = problem(ClientError.ofAny(ex));
    if (ex instanceof RateLimitedException limited && response.getBody() != null) {
      response.getBody().setProperty("retryAfterSeconds", limited.retryAfterSeconds());
      return ResponseEntity.status(response.getStatusCode())
          .header(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()))
          .body(response.getBody());
    }
    return response;
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception ex) {
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

  static ResponseEntity<ProblemDetail> problem(ClientError error) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(error.errorClass().httpStatus(), error.message());
    problem.setType(type(error.errorClass()));
    problem.setProperty("code", error.errorClass().name());
    if (!error.violations().isEmpty()) {
      problem.setProperty("violations", GraphQlErrors.extensions(error).get("violations"));
    }
    return ResponseEntity.status(error.errorClass().httpStatus()).body(problem);
  }
}
