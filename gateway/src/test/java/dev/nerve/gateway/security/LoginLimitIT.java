package dev.nerve.gateway.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.gateway.ratelimit.RateLimitedException;
import dev.nerve.gateway.ratelimit.RateLimiter;
import dev.nerve.platform.redis.RedisCircuit;
import dev.nerve.testing.TestServers;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The login budget cannot be used to lock a user out: guesses from one address run into that
 * address's own limit, a user logs in from another address meanwhile, and only a per-username
 * ceiling, higher than one address can reach, applies across addresses.
 */
class LoginLimitIT {

  @Test
  void guessesFromOneAddressDoNotLockTheUserOutOfAnother() {
    RedisClient redis = RedisClient.create(TestServers.redisUri());
    try (RateLimiter limiter =
        new RateLimiter(
            redis,
            TestServers.redisUri(),
            new GatewayProperties.RateLimit(
                true, 600, 60, 10, 15, true, Duration.ofSeconds(2), "login-" + UUID.randomUUID() + ":", 0, Duration.ofSeconds(1)),
            new SimpleMeterRegistry(),
            new RedisCircuit(Duration.ofSeconds(1), new SimpleMeterRegistry()))) {
      Guard guard = new Guard(limiter, new GatewayProperties.RateLimit(true, 600, 60, 10, 15, true, Duration.ofSeconds(2), "x", 0, Duration.ofSeconds(1)), null, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      Caller attacker = Caller.anonymous("203.0.113.7");
      Caller owner = Caller.anonymous("198.51.100.4");
      Caller another = Caller.anonymous("192.0.2.9");

      for (int i = 0; i < 10; i++) {
        guard.chargeLogin(attacker, "victim");
      }
      assertThatThrownBy(() -> guard.chargeLogin(attacker, "victim")).isInstanceOf(RateLimitedException.class);
      assertThatCode(() -> guard.chargeLogin(owner, "victim")).as("the user, from their own address").doesNotThrowAnyException();

      // Spread over addresses, the per-username ceiling (15 here) applies.
      for (int i = 0; i < 4; i++) {
        guard.chargeLogin(Caller.anonymous("192.0.2." + (100 + i)), "victim");
      }
      assertThatThrownBy(() -> guard.chargeLogin(another, "victim")).isInstanceOf(RateLimitedException.class);
    } finally {
      redis.shutdown();
    }
  }
}
