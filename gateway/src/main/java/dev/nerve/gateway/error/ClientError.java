package dev.nerve.gateway.error;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.error.StoreErrors;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An error as a gateway client sees it: class, safe message, field violations and, for errors
 * worth retrying, when to retry. Built from whatever a request raised; internal details (hosts,
 * routes, SQL, stack traces) never pass through: they go to the log, whose lines carry the trace id.
 *
 * @param errorClass GraphQL code and HTTP status
 * @param message human message, safe to show
 * @param violations broken input rules, empty unless BAD_USER_INPUT
 * @param retryAfter suggested wait before a retry (REST {@code Retry-After}); null when none applies
 */
public record ClientError(
    ErrorClass errorClass, String message, List<FieldViolation> violations, Duration retryAfter) {

  private static final Logger log = LoggerFactory.getLogger(ClientError.class);
  /** Wait suggested for UNAVAILABLE when the cause names none. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  /** An error without a retry hint. */
  public ClientError(ErrorClass errorClass, String message, List<FieldViolation> violations) {
    this(errorClass, message, violations, errorClass == ErrorClass.UNAVAILABLE ? DEFAULT_RETRY_AFTER : null);
  }

  /**
   * The client view of a domain error, a gRPC status or a store failure (PostgreSQL, Redis); empty
   * for any other exception.
   */
  public static Optional<ClientError> of(Throwable error) {
    NerveException nerve;
    if (error instanceof NerveException n) {
      nerve = n;
    } else if (error instanceof StatusRuntimeException sre) {
      nerve = GrpcErrors.fromStatus(sre);
      if (!GrpcErrors.fromNerve(sre)) {
        log.warn("service call failed: {}", sre.getStatus());
      }
    } else {
      Optional<NerveException> store = StoreErrors.classify(error);
      if (store.isEmpty()) {
        return Optional.empty();
      }
      nerve = store.get();
      log.warn("gateway answered {}: {}", nerve.code(), String.valueOf(error));
    }
    ErrorClass errorClass = ErrorClass.of(nerve.code());
    String message =
        errorClass == ErrorClass.INTERNAL ? ErrorCode.INTERNAL.plainMessage() : nerve.getMessage();
    Duration retryAfter =
        nerve.retryAfter().orElse(errorClass == ErrorClass.UNAVAILABLE ? DEFAULT_RETRY_AFTER : null);
    return Optional.of(new ClientError(errorClass, message, nerve.violations(), retryAfter));
  }

  /** The client view of anything, logging unexpected exceptions once. */
  public static ClientError ofAny(Throwable error) {
    return of(error)
        .orElseGet(
            () -> {
              log.error("unexpected gateway error", error);
              return new ClientError(ErrorClass.INTERNAL, "internal error", List.of());
            });
  }

  /** Whole seconds for a {@code Retry-After} header (at least 1); empty without a hint. */
  public Optional<Long> retryAfterSeconds() {
    return Optional.ofNullable(retryAfter).map(d -> Math.max(1, (d.toMillis() + 999) / 1000));
  }
}
