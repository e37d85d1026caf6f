package dev.nerve.platform.redis;

import dev.nerve.platform.NerveProperties;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Redis for every target: one Lettuce client and one shared, thread-safe connection, set up to
 * fail fast and recover fast. While the connection is down, commands are rejected at once (never
 * queued until the caller's deadline), so callers answer UNAVAILABLE immediately; a command on an
 * open connection waits at most {@code command-timeout}; reconnect attempts back off from 50 ms to
 * at most 500 ms, so service resumes within about half a second of Redis's return.
 */
@AutoConfiguration
@EnableConfigurationProperties(NerveProperties.class)
public class RedisConfiguration {

  /** Longest pause between two reconnect attempts. */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

  @Bean(destroyMethod = "close")
  RedisProvisioner redisProvisioner(NerveProperties properties) {
    return new RedisProvisioner(properties);
  }

  @Bean
  RedisEndpoint redisEndpoint(RedisProvisioner provisioner) {
    return provisioner.endpoint();
  }

  @Bean(destroyMethod = "shutdown")
  ClientResources redisClientResources() {
    return DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
  }

  @Bean(destroyMethod = "shutdown")
  RedisClient redisClient(RedisEndpoint endpoint, ClientResources resources, NerveProperties properties) {
    NerveProperties.Redis settings = properties.redis();
    RedisURI uri = RedisURI.create(endpoint.uri());
    uri.setTimeout(settings.commandTimeout());
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(options(settings));
    return client;
  }

  /** Options every connection of the client shares. */
  static ClientOptions options(NerveProperties.Redis settings) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
        .build();
  }

  @Bean(destroyMethod = "close")
  StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
    return client.connect();
  }

  @Bean
  RedisCircuit redisCircuit(NerveProperties properties, ObjectProvider<MeterRegistry> meters) {
    return new RedisCircuit(properties.redis().circuitOpenFor(), meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean(name = "redisHealthIndicator")
  RedisHealthIndicator redisHealthIndicator(
      StatefulRedisConnection<String, String> connection, RedisEndpoint endpoint) {
    return new RedisHealthIndicator(connection, endpoint);
  }
}
