package dev.nerve.memory.support;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes memory changes ({@code memory.stored}, {@code memory.updated}, {@code memory.deleted},
 * {@code context.updated}, {@code context.deleted}) on Redis pub/sub, where GraphQL subscriptions
 * and the learning system's activity stream pick them up. Best effort: the change is already
 * committed, so a Redis outage loses the notification, never the data.
 */
public final class MemoryEvents {

  /** Redis channel every memory event is published on. */
  public static final String CHANNEL = "nerve:memory:events";

  private static final Logger log = LoggerFactory.getLogger(MemoryEvents.class);

  private final StatefulRedisConnection<String, String> redis;

  public MemoryEvents(StatefulRedisConnection<String, String> redis) {
    this.redis = redis;
  }

  /** Publishes one event about the object {@code id} at {@code version}. */
  public void publish(String type, Owner owner, String id, long version) {
    Struct event =
        Struct.newBuilder()
            .putFields("type", string(type))
            .putFields("tenantId", string(owner.tenantId()))
            .putFields("userId", string(owner.userId()))
            .putFields("agentId", string(owner.agentId()))
            .putFields("sessionId", string(owner.sessionId()))
            .putFields("id", string(id))
            .putFields("version", Value.newBuilder().setNumberValue(version).build())
            .putFields("at", string(Instant.now().toString()))
            .build();
    try {
      redis.async().publish(CHANNEL, Json.print(event));
    } catch (RuntimeException e) {
      log.warn("could not publish {} for {}: {}", type, id, e.toString());
    }
  }

  private static Value string(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }
}
