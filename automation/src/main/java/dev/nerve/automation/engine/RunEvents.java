package dev.nerve.automation.engine;

import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.platform.storage.TransactionBatch;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live execution events inside the automation service: the changes of a transaction are published
 * as one message on one Redis pub/sub channel after it commits, and every replica fans the channel
 * out to its local listeners (WatchExecution streams, Execute callers waiting, workers to
 * interrupt). A message is a header naming the executions it concerns, then the events in binary
 * protobuf, length-delimited, in Base64: the channel is internal to this service, and a replica
 * decodes a message only when one of its listeners follows one of those executions. Best effort:
 * PostgreSQL has the state, and listeners re-read it when they miss an event.
 */
public final class RunEvents implements AutoCloseable {

  /** Channel of every execution event (tenant-independent; listeners filter by execution id). */
  public static final String CHANNEL = "nerve:automation:executions";

  private static final Logger log = LoggerFactory.getLogger(RunEvents.class);
  private static final char SEPARATOR = '|';

  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final Map<UUID, List<Consumer<ExecutionEvent>>> listeners = new ConcurrentHashMap<>();
  private final List<Consumer<UUID>> ended = new CopyOnWriteArrayList<>();
  private final TransactionBatch<ExecutionEvent> afterCommit =
      new TransactionBatch<>(TransactionBatch.Phase.AFTER_COMMIT, this::publish);

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

  /**
   * Publishes events once the current transaction commits (at once outside one): every event of a
   * transaction goes in one message, in the order they were given.
   */
  void publishAfterCommit(List<ExecutionEvent> events) {
    afterCommit.add(events);
  }

  private void publish(List<ExecutionEvent> events) {
    try {
      redis.async().publish(CHANNEL, encode(events));
    } catch (RuntimeException e) {
      log.warn("could not publish events of execution {}: {}", events.get(0).getExecutionId(), e.toString());
    }
  }

  /**
   * One message: {@code <execution id>[!],...|<events>}, the ids of the executions the events
   * belong to ({@code !} after one that ended), then the events length-delimited, in Base64.
   */
  static String encode(List<ExecutionEvent> events) {
    Map<String, Boolean> executions = new java.util.LinkedHashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 * events.size());
    try {
      for (ExecutionEvent event : events) {
        executions.merge(event.getExecutionId(), event.getType() == ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION, Boolean::logicalOr);
        event.writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder message = new StringBuilder(48 * executions.size() + out.size() * 4 / 3 + 4);
    executions.forEach((id, end) -> message.append(message.isEmpty() ? "" : ",").append(id).append(end ? "!" : ""));
    return message.append(SEPARATOR).append(Base64.getEncoder().encodeToString(out.toByteArray())).toString();
  }

  /** The events of a message; empty when it is not one. */
  static List<ExecutionEvent> decode(String message) {
    int separator = message.indexOf(SEPARATOR);
    if (separator < 0) {
      log.debug("ignoring a message on {} that is not execution events", CHANNEL);
      return List.of();
    }
    List<ExecutionEvent> events = new ArrayList<>(4);
    try {
      ByteArrayInputStream in = new ByteArrayInputStream(Base64.getDecoder().decode(message.substring(separator + 1)));
      ExecutionEvent event;
      while ((event = ExecutionEvent.parseDelimitedFrom(in)) != null) {
        events.add(event);
      }
    } catch (IllegalArgumentException | IOException e) {
      log.debug("ignoring a message on {} that is not execution events: {}", CHANNEL, e.toString());
      return List.of();
    }
    return events;
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

  /**
   * Tells {@code listener} the id of every execution that ended (succeeded, failed, was cancelled
   * or timed out), without decoding events: workers use it to interrupt attempts of stopped
   * executions.
   */
  void onExecutionEnded(Consumer<UUID> listener) {
    ended.add(listener);
  }

  private void deliver(String message) {
    int separator = message.indexOf(SEPARATOR);
    if (separator < 0) {
      return;
    }
    boolean followed = false;
    for (String execution : message.substring(0, separator).split(",")) {
      boolean hasEnded = execution.endsWith("!");
      UUID id = uuid(hasEnded ? execution.substring(0, execution.length() - 1) : execution);
      if (id == null) {
        continue;
      }
      if (hasEnded) {
        ended.forEach(l -> l.accept(id));
      }
      followed |= listeners.containsKey(id);
    }
    if (followed) {
      decode(message).forEach(this::deliver);
    }
  }

  private void deliver(ExecutionEvent event) {
    UUID id = uuid(event.getExecutionId());
    List<Consumer<ExecutionEvent>> local = id == null ? null : listeners.get(id);
    if (local != null) {
      local.forEach(l -> l.accept(event));
    }
  }

  private static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
