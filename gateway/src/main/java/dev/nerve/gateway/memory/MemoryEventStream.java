package dev.nerve.gateway.memory;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.platform.identity.Identity;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Live memory events for GraphQL subscriptions. The memory service publishes every change on the
 * Redis channel {@code nerve:memory:events}; this gateway holds one subscription to it and fans
 * the events out to each subscriber, filtered to the subscriber's own tenant and user.
 */
@Component
class MemoryEventStream implements DisposableBean {

  /** Channel the memory service publishes on (its {@code MemoryEvents.CHANNEL}). */
  static final String CHANNEL = "nerve:memory:events";

  /**
   * One change.
   *
   * @param type memory.stored, memory.updated, memory.deleted, context.updated or context.deleted
   * @param id id of the memory or context
   * @param version its version after the change
   * @param scope agent and session it belongs to
   * @param at when the change was published
   */
  record Event(String type, String id, long version, MemoryViews.Scope scope, Instant at) {}

  private record Envelope(String tenantId, String userId, Event event) {}

  private final RedisClient client;
  private StatefulRedisPubSubConnection<String, String> connection;
  private Flux<Envelope> events;

  MemoryEventStream(RedisClient client) {
    this.client = client;
  }

  /** Events of {@code caller}'s own data, optionally only of the given types. */
  Flux<Event> events(Identity caller, List<String> types) {
    return shared()
        .filter(e -> e.tenantId().equals(caller.tenantId()) && e.userId().equals(caller.userId()))
        .map(Envelope::event)
        .filter(e -> types == null || types.isEmpty() || types.contains(e.type()));
  }

  private synchronized Flux<Envelope> shared() {
    if (events == null) {
      connection = client.connectPubSub();
      connection.sync().subscribe(CHANNEL);
      events = connection.reactive().observeChannels().map(m -> parse(m.getMessage())).share();
    }
    return events;
  }

  private static Envelope parse(String json) {
    Struct.Builder struct = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, struct);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("malformed memory event", e);
    }
    Map<String, Object> f = JsonValues.map(struct.build());
    return new Envelope(
        String.valueOf(f.get("tenantId")),
        String.valueOf(f.get("userId")),
        new Event(
            String.valueOf(f.get("type")),
            String.valueOf(f.get("id")),
            ((Number) f.get("version")).longValue(),
            new MemoryViews.Scope(String.valueOf(f.get("agentId")), String.valueOf(f.get("sessionId"))),
            Instant.parse(String.valueOf(f.get("at")))));
  }

  @Override
  public synchronized void destroy() {
    if (connection != null) {
      connection.close();
    }
  }
}
