package dev.nerve.platform.settings;

import dev.nerve.platform.outbound.OutboundGuard;
import dev.nerve.platform.outbound.OutboundProperties;
import dev.nerve.platform.storage.DatabaseEndpoint;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * One {@link LiveSettings} per process, for every target, so each reads saved settings live, and
 * the outbound allowlist that follows them.
 */
@AutoConfiguration(
    after = {
      dev.nerve.platform.redis.RedisConfiguration.class,
      dev.nerve.platform.storage.StorageConfiguration.class,
      dev.nerve.platform.outbound.OutboundConfiguration.class
    })
public class LiveSettingsConfiguration {

  @Bean(destroyMethod = "close")
  LiveSettings liveSettings(
      RedisClient client, StatefulRedisConnection<String, String> redis, DatabaseEndpoint database) {
    return new LiveSettings(client, redis, LiveSettings.namespace(database.display()));
  }

  @Bean
  LiveAllowlist liveAllowlist(LiveSettings settings, OutboundGuard guard, OutboundProperties properties) {
    return LiveAllowlist.follow(settings, guard, properties);
  }
}
