package dev.nerve.platform.outbound;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The guard's meters: {@code nerve.outbound.refused} (requests refused, by reason) and {@code
 * nerve.outbound.requests} (duration of requests, by outcome).
 */
final class OutboundMetrics {

  /** How a request through the guarded client ended. */
  enum Outcome {
    SUCCESS,
    REDIRECTION,
    CLIENT_ERROR,
    SERVER_ERROR,
    REFUSED,
    UNAVAILABLE,
    DEADLINE_EXCEEDED,
    TOO_LARGE,
    REDIRECT_ERROR;

    static Outcome ofStatus(int status) {
      return status >= 500 ? SERVER_ERROR : status >= 400 ? CLIENT_ERROR : status >= 300 ? REDIRECTION : SUCCESS;
    }
  }

  private final Map<RefusalReason, Counter> refused = new EnumMap<>(RefusalReason.class);
  private final Map<Outcome, Timer> requests = new EnumMap<>(Outcome.class);

  OutboundMetrics(MeterRegistry registry) {
    for (RefusalReason reason : RefusalReason.values()) {
      refused.put(
          reason,
          Counter.builder("nerve.outbound.refused")
              .baseUnit("requests")
              .description("Outbound HTTP requests the outbound guard refused before connecting, by reason")
              .tag("reason", reason.tag())
              .register(registry));
    }
    for (Outcome outcome : Outcome.values()) {
      requests.put(
          outcome,
          Timer.builder("nerve.outbound.requests")
              .description("Outbound HTTP requests through the guarded client, redirects and body included, by outcome")
              .tag("outcome", outcome.name())
              .register(registry));
    }
  }

  void refused(RefusalReason reason) {
    refused.get(reason).increment();
  }

  void request(Outcome outcome, Duration duration) {
    requests.get(outcome).record(duration);
  }
}
