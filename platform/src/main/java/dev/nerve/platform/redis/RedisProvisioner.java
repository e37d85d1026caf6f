package dev.nerve.platform.redis;

import dev.nerve.platform.NerveProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which Redis this process uses: the configured server when {@code nerve.redis.url} is
 * set, otherwise an embedded one living in {@code <data-dir>/redis}.
 */
public final class RedisProvisioner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisProvisioner.class);

  private final RedisEndpoint endpoint;
  private final EmbeddedRedisServer embedded;

  public RedisProvisioner(NerveProperties properties) {
    if (properties.redis().external()) {
      embedded = null;
      endpoint = new RedisEndpoint(properties.redis().url(), false);
      log.info("Redis: external server at {}", endpoint.display());
    } else {
      embedded = EmbeddedRedisServer.start(properties.dataDir().resolve("redis"));
      endpoint = embedded.endpoint();
      log.info(
          "Redis: embedded server at {} (set NERVE_REDIS_URL to use your own)",
          endpoint.display());
    }
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
      log.info("Redis: embedded server stopped");
    }
  }
}
