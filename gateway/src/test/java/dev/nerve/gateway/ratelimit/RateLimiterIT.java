package dev.nerve.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.testing.TestServers;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens a replica takes locally (Bucket4j's delaying optimization) against real Redis: replicas
 * overspend a shared bucket by at most their unsynced allowance, small buckets are checked in Redis
 * on every request, and locally taken tokens reach Redis once the allowance is used up.
 */
class RateLimiterIT {

  private static final RedisClient REDIS = RedisClient.create();

  @AfterAll
  static void close() {
    REDIS.shutdown();
  }

  private static RateLimiter limiter(String prefix, long syncTokens) {
    GatewayProperties.RateLimit settings =
        new GatewayProperties.RateLimit(
            true, 600, 60, 10, 100, true, Duration.ofSeconds(2), prefix, syncTokens, Duration.ofHours(1));
    return new RateLimiter(
        REDIS, TestServers.redisUri(), settings, new SimpleMeterRegistry(),
        new dev.nerve.platform.redis.RedisCircuit(java.time.Duration.ofSeconds(1), new SimpleMeterRegistry()));
  }

  /** How many unit requests pass before the limiter refuses, alternating between replicas. */
  private static int passedUntilRefused(RateLimiter... replicas) {
    int passed = 0;
    while (passed < 10_000) {
      try {
        replicas[passed % replicas.length].consume("user", 1, 3_000);
        passed++;
      } catch (RateLimitedException e) {
        return passed;
      }
    }
    throw new AssertionError("never refused");
  }

  @Test
  void replicasOverspendASharedBucketByAtMostTheirUnsyncedTokens() {
    String prefix = "rl-local-" + UUID.randomUUID() + ":";
    try (RateLimiter a = limiter(prefix, 20); RateLimiter b = limiter(prefix, 20)) {
      int passed = passedUntilRefused(a, b);
      // 3000 per minute refill 50 per second, so allow a few seconds of refill on a slow machine.
      assertThat(passed).isBetween(3_000, 3_000 + 2 * 20 + 250);
    }
  }

  @Test
  void locallyTakenTokensReachRedisOnceTheAllowanceIsUsed() {
    String prefix = "rl-sync-" + UUID.randomUUID() + ":";
    try (RateLimiter local = limiter(prefix, 20); RateLimiter strict = limiter(prefix, 0)) {
      for (int i = 0; i < 2_900; i++) {
        local.consume("user", 1, 3_000);
      }
      // The strict replica reads Redis on every call: it must see the other replica's spending.
      int passed = passedUntilRefused(strict);
      assertThat(passed).isBetween(100, 100 + 20 + 250);
    }
  }

  @Test
  void aSmallBucketIsCheckedInRedisOnEveryRequest() {
    String prefix = "rl-small-" + UUID.randomUUID() + ":";
    try (RateLimiter a = limiter(prefix, 20); RateLimiter b = limiter(prefix, 20)) {
      // 1% of 50 is 0: no local allowance, so two replicas never pass more than the bucket holds.
      for (int i = 0; i < 50; i++) {
        (i % 2 == 0 ? a : b).consume("login", 1, 50);
      }
      assertThatThrownBy(() -> a.consume("login", 1, 50)).isInstanceOf(RateLimitedException.class);
      assertThatThrownBy(() -> b.consume("login", 1, 50)).isInstanceOf(RateLimitedException.class);
    }
  }
}
