package dev.nerve.gateway.ratelimit;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;

/** A request over its budget: REST 429 with Retry-After, GraphQL RATE_LIMITED with retryAfterSeconds. */
public final class RateLimitedException extends NerveException {

  private static final long serialVersionUID = 1L;

  private final long retryAfterSeconds;

  public RateLimitedException(String message, long retryAfterSeconds) {
    super(
        ErrorCode.RESOURCE_EXHAUSTED,
        message,
        java.util.List.of(),
        null,
        java.time.Duration.ofSeconds(Math.max(1, retryAfterSeconds)));
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** Whole seconds until the request would be allowed. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
