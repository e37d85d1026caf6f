package dev.nerve.memory.events;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.nerve.api.memory.v1.MemoryEvent;
import dev.nerve.api.memory.v1.MemoryEventType;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.MemoryEvents;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's one subscription to the memory event channel, where every replica publishes its
 * changes ({@link MemoryEvents}), fanned out to the open {@code Watch} streams, each of which sees
 * only its own caller's events. Subscribes on the first watcher.
 */
public final class MemoryEventFeed implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MemoryEventFeed.class);

  private static final Map<String, MemoryEventType> TYPES =
      Map.of(
          "memory.stored", MemoryEventType.MEMORY_EVENT_TYPE_MEMORY_STORED,
          "memory.updated", MemoryEventType.MEMORY_EVENT_TYPE_MEMORY_UPDATED,
          "memory.deleted", MemoryEventType.MEMORY_EVENT_TYPE_MEMORY_DELETED,
          "context.updated", MemoryEventType.MEMORY_EVENT_TYPE_CONTEXT_UPDATED,
          "context.deleted", MemoryEventType.MEMORY_EVENT_TYPE_CONTEXT_DELETED);

  /**
   * A watcher of one caller's events.
   *
   * @param tenantId the caller's tenant
   * @param userId the caller's user
   * @param types kinds wanted; empty for all
   * @param sink where matching events go
   */
  record Watcher(String tenantId, String userId, Set<MemoryEventType> types, Consumer<MemoryEvent> sink) {}

  private final RedisClient client;
  private final Set<Watcher> watchers = new CopyOnWriteArraySet<>();
  private StatefulRedisPubSubConnection<String, String> connection;

  public MemoryEventFeed(RedisClient client) {
    this.client = client;
  }

  /** Starts delivering matching events to {@code watcher} until {@link #remove}. */
  synchronized void add(Watcher watcher) {
    if (connection == null) {
      connection = client.connectPubSub();
      connection.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              deliver(message);
            }
          });
      connection.sync().subscribe(MemoryEvents.CHANNEL);
    }
    watchers.add(watcher);
  }

  void remove(Watcher watcher) {
    watchers.remove(watcher);
  }

  private void deliver(String json) {
    Map<String, Value> fields;
    try {
      fields = Json.struct(json).getFieldsMap();
    } catch (RuntimeException e) {
      log.warn("ignoring a malformed memory event: {}", e.toString());
      return;
    }
    MemoryEventType type = TYPES.get(text(fields, "type"));
    if (type == null) {
      return;
    }
    Instant at = Instant.parse(text(fields, "at"));
    MemoryEvent event =
        MemoryEvent.newBuilder()
            .setType(type)
            .setId(text(fields, "id"))
            .setVersion((long) fields.getOrDefault("version", Value.getDefaultInstance()).getNumberValue())
            .setScope(MemoryScope.newBuilder().setAgentId(text(fields, "agentId")).setSessionId(text(fields, "sessionId")))
            .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
            .build();
    String tenant = text(fields, "tenantId");
    String user = text(fields, "userId");
    for (Watcher watcher : watchers) {
      if (watcher.tenantId().equals(tenant)
          && watcher.userId().equals(user)
          && (watcher.types().isEmpty() || watcher.types().contains(type))) {
        watcher.sink().accept(event);
      }
    }
  }

  private static String text(Map<String, Value> fields, String name) {
    return fields.getOrDefault(name, Value.getDefaultInstance()).getStringValue();
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.close();
    }
  }

}
