package dev.nerve.automation.engine;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.automation.support.Json;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Live execution events inside the automation service: each change is published on one Redis
 * pub/sub channel after its transaction commits, and every replica fans the channel out to its
 * local listeners (WatchExecution streams, Execute callers waiting, workers to interrupt). Best
 * effort: PostgreSQL has the state, and listeners re-read it when they miss an event.
 */
public final class RunEvents implements AutoCloseable {

  /** Channel of every execution event (tenant-independent; listeners filter by execution id). */
  public static final String CHANNEL = "nerve:automation:executions";

  private static final Logger log = LoggerFactory.getLogger(RunEvents.class);

  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final Map<UUID, List<Consumer<ExecutionEvent>>> listeners = new ConcurrentHashMap<>();
  private final List<Consumer<ExecutionEvent>> all = new CopyOnWriteArrayList<>();

  public RunEvents(RedisClient client, StatefulRedisConnection<String, String> redis) {
    this.redis = redis;
    this.subscription = client.connectPubSub();
    subscription.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            deliver(message);
          }
        });
    subscription.sync().subscribe(CHANNEL);
  }

  /** Publishes events once the current transaction commits (at once outside one). */
  void publishAfterCommit(List<ExecutionEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    List<ExecutionEvent> copy = List.copyOf(events);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              copy.forEach(RunEvents.this::publish);
            }
          });
    } else {
      copy.forEach(this::publish);
    }
  }

  private void publish(ExecutionEvent event) {
    try {
      redis.async().publish(CHANNEL, Json.print(event));
    } catch (RuntimeException e) {
      log.warn("could not publish event of execution {}: {}", event.getExecutionId(), e.toString());
    }
  }

  /** Listens to one execution's events until the returned handle is closed. */
  public AutoCloseable listen(UUID runId, Consumer<ExecutionEvent> listener) {
    listeners.computeIfAbsent(runId, id -> new CopyOnWriteArrayList<>()).add(listener);
    return () ->
        listeners.computeIfPresent(
            runId,
            (id, list) -> {
              list.remove(listener);
              return list.isEmpty() ? null : list;
            });
  }

  /** Listens to every event (workers use it to interrupt attempts of stopped executions). */
  void listenAll(Consumer<ExecutionEvent> listener) {
    all.add(listener);
  }

  private void deliver(String message) {
    ExecutionEvent.Builder event = ExecutionEvent.newBuilder();
    try {
      Json.merge(message, event);
    } catch (InvalidProtocolBufferException e) {
      return;
    }
    ExecutionEvent built = event.build();
    all.forEach(l -> l.accept(built));
    UUID id;
    try {
      id = UUID.fromString(built.getExecutionId());
    } catch (IllegalArgumentException e) {
      return;
    }
    List<Consumer<ExecutionEvent>> local = listeners.get(id);
    if (local != null) {
      local.forEach(l -> l.accept(built));
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
