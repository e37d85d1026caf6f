package dev.nerve.gateway.graphql;

import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/** Lets subscription clients tell a quiet stream from a dead connection. */
@Controller
class HeartbeatController {

  static final int MIN_SECONDS = 1;
  static final int MAX_SECONDS = 300;

  @SubscriptionMapping
  Flux<Instant> heartbeat(@Argument Integer intervalSeconds) {
    int seconds = intervalSeconds == null ? 15 : intervalSeconds;
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      throw NerveException.invalid(
          "intervalSeconds", "range", "must be between " + MIN_SECONDS + " and " + MAX_SECONDS);
    }
    return Flux.interval(Duration.ZERO, Duration.ofSeconds(seconds)).map(tick -> Instant.now());
  }
}
