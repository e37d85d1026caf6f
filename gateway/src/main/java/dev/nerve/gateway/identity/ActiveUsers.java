package dev.nerve.gateway.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.nerve.platform.redis.RedisCircuit;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the user an access token names still exists and is enabled, checked on every request so
 * a token of a deleted or disabled user stops working at once instead of when it expires. Answers
 * are cached per replica for a short time; disabling a user drops the entry on every replica
 * through a Redis channel, and while that channel is interrupted nothing is cached (an
 * invalidation could be missed).
 */
public final class ActiveUsers implements AutoCloseable {

  static final String CHANNEL = "nerve:gateway:user-changes";
  private static final Logger log = LoggerFactory.getLogger(ActiveUsers.class);

  private final UserStore users;
  private final Cache<String, Boolean> known;
  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final RedisCircuit circuit;
  private volatile boolean listening = true;

  public ActiveUsers(
      UserStore users,
      RedisClient client,
      StatefulRedisConnection<String, String> redis,
      RedisCircuit circuit,
      Duration cacheFor) {
    this.users = users;
    this.redis = redis;
    this.circuit = circuit;
    this.known = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(cacheFor).build();
    this.subscription = client.connectPubSub();
    subscription.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String userId) {
            known.invalidate(userId);
          }
        });
    subscription.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            listening = false;
            known.invalidateAll();
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            known.invalidateAll();
            listening = true;
          }
        });
    subscription.sync().subscribe(CHANNEL);
  }

  /** Whether {@code userId} (a token's {@code sub}) names an existing, enabled user. */
  public boolean active(String userId) {
    Boolean cached = listening ? known.getIfPresent(userId) : null;
    if (cached != null) {
      return cached;
    }
    Optional<UUID> id = uuid(userId);
    boolean active = id.flatMap(users::byId).map(user -> !user.disabled()).orElse(false);
    if (listening) {
      known.put(userId, active);
    }
    return active;
  }

  /** After a user was disabled: forget it here and on every other replica. */
  public void changed(UUID userId) {
    known.invalidate(userId.toString());
    try {
      circuit.run(() -> redis.sync().publish(CHANNEL, userId.toString()));
    } catch (RuntimeException e) {
      log.warn(
          "could not tell other gateway replicas that user {} changed ({}); they notice within the cache time",
          userId,
          e.toString());
    }
  }

  private static Optional<UUID> uuid(String value) {
    try {
      return Optional.of(UUID.fromString(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
