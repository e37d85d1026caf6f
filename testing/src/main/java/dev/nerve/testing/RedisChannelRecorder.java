package dev.nerve.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Records the messages published on a Redis channel, so tests can assert on emitted events. */
public final class RedisChannelRecorder implements AutoCloseable {

  private final StatefulRedisPubSubConnection<String, String> connection;
  private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

  private RedisChannelRecorder(
      StatefulRedisPubSubConnection<String, String> connection, Predicate<String> keep) {
    this.connection = connection;
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            if (keep.test(message)) {
              messages.add(message);
            }
          }
        });
  }

  /** Subscribes to {@code channel}, keeping only messages that {@code keep} accepts. */
  public static RedisChannelRecorder subscribe(
      RedisClient client, String channel, Predicate<String> keep) {
    RedisChannelRecorder recorder = new RedisChannelRecorder(client.connectPubSub(), keep);
    recorder.connection.sync().subscribe(channel);
    return recorder;
  }

  /** The next kept message; fails the test when none arrives within {@code timeout}. */
  public String next(Duration timeout) throws InterruptedException {
    String message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new AssertionError("no message within " + timeout);
    }
    return message;
  }

  @Override
  public void close() {
    connection.close();
  }
}
