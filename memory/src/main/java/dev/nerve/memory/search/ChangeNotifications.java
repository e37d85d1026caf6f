package dev.nerve.memory.search;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * Listens on a Redis pub/sub channel where replicas announce memory changes and nudges this
 * replica's {@link IndexSync}; the timer remains the safety net for missed messages.
 */
public final class ChangeNotifications implements AutoCloseable {

  private final StatefulRedisPubSubConnection<String, String> connection;

  public ChangeNotifications(RedisClient client, String channel, IndexSync sync) {
    connection = client.connectPubSub();
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String from, String message) {
            if (message.contains("\"memory.")) {
              sync.nudge();
            }
          }
        });
    connection.sync().subscribe(channel);
  }

  @Override
  public void close() {
    connection.close();
  }
}
