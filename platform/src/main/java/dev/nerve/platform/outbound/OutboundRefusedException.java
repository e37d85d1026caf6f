package dev.nerve.platform.outbound;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import java.util.List;

/**
 * The outbound guard refused a request before connecting: {@code INVALID_ARGUMENT} on field {@code
 * url} for the URL the caller gave, {@code FAILED_PRECONDITION} for a redirect the server sent.
 * The message says what was refused and which setting allows it.
 */
public final class OutboundRefusedException extends NerveException {

  private static final long serialVersionUID = 1L;

  private final RefusalReason reason;
  private final String description;

  private OutboundRefusedException(
      ErrorCode code,
      String message,
      List<FieldViolation> violations,
      RefusalReason reason,
      String description) {
    super(code, message, violations, null);
    this.reason = reason;
    this.description = description;
  }

  /** A refusal of the URL the caller gave. */
  static OutboundRefusedException ofUrl(RefusalReason reason, String description) {
    return new OutboundRefusedException(
        ErrorCode.INVALID_ARGUMENT,
        "url: " + description,
        List.of(new FieldViolation("url", "outbound." + reason.tag(), description)),
        reason,
        description);
  }

  /** The same refusal, met on a redirect to {@code origin} (scheme, host and port only). */
  OutboundRefusedException onRedirect(String origin) {
    return new OutboundRefusedException(
        ErrorCode.FAILED_PRECONDITION,
        "url: the server redirected to " + origin + ", which is refused: " + description,
        List.of(),
        reason,
        description);
  }

  /** Why the request was refused. */
  public RefusalReason reason() {
    return reason;
  }
}
