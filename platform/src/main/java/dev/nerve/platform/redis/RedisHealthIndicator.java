package dev.nerve.platform.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Readiness signal: Redis answers PING on the shared connection. Down says why: disconnected
 * (reconnecting) or not answering in time.
 */
public final class RedisHealthIndicator extends AbstractHealthIndicator {

  private final StatefulRedisConnection<String, String> connection;
  private final RedisEndpoint endpoint;

  public RedisHealthIndicator(
      StatefulRedisConnection<String, String> connection, RedisEndpoint endpoint) {
    this.connection = connection;
    this.endpoint = endpoint;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    builder.withDetail("server", endpoint.display());
    if (!connection.isOpen()) {
      builder.down().withDetail("reason", "not connected; reconnecting");
      return;
    }
    try {
      String pong = connection.async().ping().get(1, TimeUnit.SECONDS);
      builder.up().withDetail("ping", pong);
    } catch (java.util.concurrent.TimeoutException e) {
      builder.down().withDetail("reason", "no answer to PING within 1 s");
    } catch (java.util.concurrent.ExecutionException e) {
      builder.down().withDetail("reason", String.valueOf(e.getCause().getMessage()));
    }
  }
}
