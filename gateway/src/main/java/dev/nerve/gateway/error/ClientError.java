package dev.nerve.gateway.error;

import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An error as a gateway client sees it: class, safe message and field violations. Built from
 * whatever a request raised; internal details never pass through.
 *
 * @param errorClass GraphQL code and HTTP status
 * @param message human message, safe to show
 * @param violations broken input rules, empty unless BAD_USER_INPUT
 */
public record ClientError(ErrorClass errorClass, String message, List<FieldViolation> violations) {

  private static final Logger log = LoggerFactory.getLogger(ClientError.class);

  /** The client view of a domain error or gRPC status; empty for any other exception. */
  public static Optional<ClientError> of(Throwable error) {
    NerveException nerve;
    if (error instanceof NerveException n) {
      nerve = n;
    } else if (error instanceof StatusRuntimeException sre) {
      nerve = GrpcErrors.fromStatus(sre);
    } else {
      return Optional.empty();
    }
    ErrorClass errorClass = ErrorClass.of(nerve.code());
    String message = errorClass == ErrorClass.INTERNAL ? "internal error" : nerve.getMessage();
    return Optional.of(new ClientError(errorClass, message, nerve.violations()));
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
}
