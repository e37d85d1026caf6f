package dev.nerve.learning.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning replicas' own Redis pub/sub channel: a replica announces that a training job
 * changed ({@code job <id>}) or that a model's active version changed ({@code model <tenant>
 * <id>}), and every replica's listeners react (progress streams, prediction caches). Nothing else
 * reads it; PostgreSQL stays the truth and listeners also poll, so a lost message only delays.
 */
public final class LearningEvents implements AutoCloseable {

  /** The channel; private to the learning target. */
  public static final String CHANNEL = "nerve:learning:events";

  private static final Logger log = LoggerFactory.getLogger(LearningEvents.class);

  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public LearningEvents(RedisClient client, StatefulRedisConnection<String, String> redis) {
    this.redis = redis;
    this.subscription = client.connectPubSub();
    subscription.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            for (Consumer<String> listener : listeners) {
              try {
                listener.accept(message);
              } catch (RuntimeException e) {
                log.warn("learning event listener failed on '{}': {}", message, e.toString());
              }
            }
          }
        });
    subscription.sync().subscribe(CHANNEL);
  }

  /** Announces a change to every replica, this one included; best effort. */
  public void publish(String message) {
    try {
      redis.async().publish(CHANNEL, message);
    } catch (RuntimeException e) {
      log.warn("could not publish learning event '{}': {}", message, e.toString());
    }
  }

  /** Calls {@code listener} with every message; returns a handle that removes it. */
  public AutoCloseable listen(Consumer<String> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    subscription.close();
  }
}
