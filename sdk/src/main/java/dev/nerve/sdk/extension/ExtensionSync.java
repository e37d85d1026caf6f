package dev.nerve.sdk.extension;

import dev.nerve.platform.concurrent.DaemonThreads;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps every replica's extensions in line with {@code sdk.extension}: on start it loads every
 * extension the table runs, a Redis message on {@value #CHANNEL} (sent by the replica that loaded
 * or unloaded one; only this service reads it) reconciles that extension at once, and a timer
 * reconciles everything in case a message was missed. On stop it closes every runtime.
 */
final class ExtensionSync implements SmartLifecycle {

  static final String CHANNEL = "nerve:sdk:extensions";
  private static final Logger log = LoggerFactory.getLogger(ExtensionSync.class);

  private final Extensions extensions;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> redis;
  private final Duration interval;
  private ScheduledExecutorService timer;
  private StatefulRedisPubSubConnection<String, String> subscription;
  private volatile boolean running;

  ExtensionSync(Extensions extensions, RedisClient client, StatefulRedisConnection<String, String> redis, Duration interval) {
    this.extensions = extensions;
    this.client = client;
    this.redis = redis;
    this.interval = interval;
  }

  @Override
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sdk-extension-sync"));
    extensions.notifyWith(key -> {
      try {
        redis.async().publish(CHANNEL, key);
      } catch (RuntimeException e) {
        log.warn("Cannot notify other replicas of an extension change (they catch up within {}): {}", interval, e.toString());
      }
    });
    subscription = client.connectPubSub();
    subscription.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        int split = message.indexOf('\u0000');
        if (split > 0) {
          timer.execute(() -> safely(() -> extensions.reconcile(message.substring(0, split), message.substring(split + 1))));
        }
      }
    });
    subscription.sync().subscribe(CHANNEL);
    timer.execute(() -> safely(extensions::reconcileAll));
    timer.scheduleWithFixedDelay(() -> safely(extensions::reconcileAll), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    running = true;
  }

  private static void safely(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.warn("Extension reconciliation failed: {}", e.toString());
    }
  }

  @Override
  public void stop() {
    running = false;
    if (subscription != null) {
      subscription.close();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    extensions.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
