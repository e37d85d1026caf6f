package dev.nerve.platform.redis;

import dev.nerve.platform.NerveProperties;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Redis for every target: one Lettuce client and one shared, thread-safe connection. */
@AutoConfiguration
@EnableConfigurationProperties(NerveProperties.class)
public class RedisConfiguration {

  @Bean(destroyMethod = "close")
  RedisProvisioner redisProvisioner(NerveProperties properties) {
    return new RedisProvisioner(properties);
  }

  @Bean
  RedisEndpoint redisEndpoint(RedisProvisioner provisioner) {
    return provisioner.endpoint();
  }

  @Bean(destroyMethod = "shutdown")
  RedisClient redisClient(RedisEndpoint endpoint) {
    return RedisClient.create(endpoint.uri());
  }

  @Bean(destroyMethod = "close")
  StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
    return client.connect();
  }

  @Bean(name = "redisHealthIndicator")
  RedisHealthIndicator redisHealthIndicator(
      StatefulRedisConnection<String, String> connection, RedisEndpoint endpoint) {
    return new RedisHealthIndicator(connection, endpoint);
  }
}
