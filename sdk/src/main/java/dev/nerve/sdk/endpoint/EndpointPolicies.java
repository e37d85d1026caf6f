package dev.nerve.sdk.endpoint;

import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.sdk.support.Times;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Resilience4j policies of each registered endpoint (rate limiter, circuit breaker, retry),
 * built from its definition and kept per tenant, endpoint and registration time in this replica
 * (at most {@value #MAX_ENTRIES}), so re-registering an endpoint starts it with fresh state.
 */
final class EndpointPolicies {

  static final int MAX_ENTRIES = 10_000;
  static final List<Integer> DEFAULT_RETRY_STATUSES = List.of(429, 502, 503, 504);

  /** An HTTP answer that counts as a failure for the circuit breaker (5xx). */
  static final class ServerError extends IOException {
    private static final long serialVersionUID = 1L;

    ServerError(int status) {
      super("HTTP " + status);
    }
  }

  /** The policies of one endpoint; each may be null when the endpoint does not ask for it. */
  record Policy(RateLimiter rateLimiter, CircuitBreaker circuitBreaker, Retry retry, Set<Integer> retryStatuses) {}

  private record Key(String tenant, String name, long updatedSeconds, int updatedNanos) {}

  private final Map<Key, Policy> policies =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Policy> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  Policy of(String tenant, Endpoint endpoint) {
    Key key = new Key(tenant, endpoint.getName(), endpoint.getUpdatedAt().getSeconds(), endpoint.getUpdatedAt().getNanos());
    synchronized (policies) {
      return policies.computeIfAbsent(key, k -> build(tenant, endpoint));
    }
  }

  private static Policy build(String tenant, Endpoint endpoint) {
    String name = tenant + "/" + endpoint.getName();
    RateLimiter limiter = null;
    if (endpoint.hasRateLimit() && endpoint.getRateLimit().getMaxRequests() > 0) {
      Duration window = endpoint.getRateLimit().hasWindow() ? Times.duration(endpoint.getRateLimit().getWindow()) : Duration.ofSeconds(1);
      limiter = RateLimiter.of(name, RateLimiterConfig.custom()
          .limitForPeriod(endpoint.getRateLimit().getMaxRequests())
          .limitRefreshPeriod(window)
          .timeoutDuration(Duration.ZERO)
          .build());
    }
    CircuitBreaker breaker = null;
    if (endpoint.hasCircuitBreaker() && endpoint.getCircuitBreaker().getFailureRateThreshold() > 0) {
      var policy = endpoint.getCircuitBreaker();
      int window = policy.getSlidingWindowSize() == 0 ? 20 : policy.getSlidingWindowSize();
      breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
          .failureRateThreshold(policy.getFailureRateThreshold())
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(window)
          .minimumNumberOfCalls(Math.min(window, policy.getMinimumCalls() == 0 ? 10 : policy.getMinimumCalls()))
          .waitDurationInOpenState(policy.hasOpenDuration() ? Times.duration(policy.getOpenDuration()) : Duration.ofSeconds(30))
          .permittedNumberOfCallsInHalfOpenState(1)
          .recordExceptions(IOException.class)
          .build());
    }
    Retry retry = null;
    Set<Integer> statuses = new HashSet<>(DEFAULT_RETRY_STATUSES);
    if (endpoint.hasRetry() && endpoint.getRetry().getMaxAttempts() > 1) {
      var policy = endpoint.getRetry();
      Duration initial = policy.hasInitialBackoff() ? Times.duration(policy.getInitialBackoff()) : Duration.ofMillis(200);
      Duration max = policy.hasMaxBackoff() ? Times.duration(policy.getMaxBackoff()) : Duration.ofSeconds(10);
      double multiplier = policy.getBackoffMultiplier() == 0 ? 2 : policy.getBackoffMultiplier();
      if (policy.getRetryOnStatusCodesCount() > 0) {
        statuses = new HashSet<>(policy.getRetryOnStatusCodesList());
      }
      Set<Integer> retryOn = Set.copyOf(statuses);
      retry = Retry.of(name, RetryConfig.<Attempt>custom()
          .maxAttempts(policy.getMaxAttempts())
          .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(initial.toMillis(), multiplier, 0.5, Math.max(initial.toMillis(), max.toMillis())))
          .retryOnResult(attempt -> retryOn.contains(attempt.status()))
          .retryOnException(error -> error instanceof RetryableFailure)
          .failAfterMaxAttempts(false)
          .build());
    }
    return new Policy(limiter, breaker, retry, Set.copyOf(statuses));
  }
}
