package dev.nerve.platform.redis;

import dev.nerve.platform.error.NerveException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisCommandExecutionException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The process's circuit breaker in front of Redis (Resilience4j): once most recent calls failed,
 * Redis is known down and callers skip it at once (rate limits fail open or closed, caches fall
 * back to PostgreSQL, short-term memory answers UNAVAILABLE) instead of each paying a timeout;
 * after {@code openFor} a few trial calls find out whether it is back. Domain errors and errors
 * Redis itself answered do not count as failures. Gauge {@code nerve.redis.circuit.open} is 1 while it is open.
 */
public final class RedisCircuit {

  private final CircuitBreaker breaker;

  public RedisCircuit(Duration openFor, MeterRegistry meters) {
    this.breaker =
        CircuitBreaker.of(
            "redis",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                // Errors Redis answered (a script error, a wrong type) say nothing about its health.
                .ignoreExceptions(NerveException.class, RedisCommandExecutionException.class)
                .build());
    Gauge.builder("nerve.redis.circuit.open", breaker, b -> b.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
        .description("1 while Redis is known down and skipped")
        .register(meters);
  }

  /** Runs a Redis call; fails at once with {@link CallNotPermittedException} while open. */
  public <T> T call(Supplier<T> redisCall) {
    return breaker.executeSupplier(redisCall);
  }

  /** Runs a Redis call for its effect. */
  public void run(Runnable redisCall) {
    breaker.executeRunnable(redisCall);
  }

  /** Whether calls are skipped right now. */
  public boolean open() {
    CircuitBreaker.State state = breaker.getState();
    return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
  }

  /** Whether {@code e} is the breaker refusing a call (Redis known down). */
  public static boolean refused(Throwable e) {
    return e instanceof CallNotPermittedException;
  }

  /** State for logs and health details. */
  public String state() {
    return breaker.getState().name();
  }
}
