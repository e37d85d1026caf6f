package dev.nerve.platform.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Readiness signal: Redis answers PING on the shared connection. */
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
    String pong = connection.async().ping().get(2, TimeUnit.SECONDS);
    builder.up().withDetail("server", endpoint.display()).withDetail("ping", pong);
  }
}
