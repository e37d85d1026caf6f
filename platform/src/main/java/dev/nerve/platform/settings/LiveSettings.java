package dev.nerve.platform.settings;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's copy of the stored configuration documents (the global one and one per tenant),
 * kept current over Redis, so a saved setting takes effect on every replica without a restart.
 * The installation service owns the documents (PostgreSQL is their truth) and {@link #publish
 * publishes} each saved one: it writes the document into the hash {@code
 * nerve:configuration:<namespace>:documents} and names its scope on the channel {@code
 * nerve:configuration:<namespace>:changes}; every replica then reads that field. The namespace
 * stands for the database (see {@link #namespace}), so installations that share a Redis but not a
 * database never see each other's settings. On every
 * (re)connect a replica reads the whole hash, so a message missed while disconnected is caught up.
 *
 * <p>Readers ask for one setting by JSON pointer with a fallback (the process property), so a
 * replica without Redis, or before anything was saved, behaves exactly as configured at start.
 * The documents are validated before they are stored; a malformed one found here is ignored with a
 * warning.
 */
public final class LiveSettings implements AutoCloseable {

  /** Prefix of the Redis hash and channel; the installation's namespace follows. */
  public static final String PREFIX = "nerve:configuration:";
  /** The scope field of the global document. */
  public static final String GLOBAL = "global";

  private static final Logger log = LoggerFactory.getLogger(LiveSettings.class);
  private static final long READ_TIMEOUT_MS = 2_000;

  private final String documentsKey;
  private final String channel;
  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final Map<String, Struct> documents = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** Subscribes with a connection of its own and reads the current documents. */
  public LiveSettings(RedisClient client, StatefulRedisConnection<String, String> redis, String namespace) {
    this.documentsKey = PREFIX + namespace + ":documents";
    this.channel = PREFIX + namespace + ":changes";
    this.redis = redis;
    this.subscription = client.connectPubSub();
    subscription.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String field) {
            reload(field);
          }
        });
    subscription.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            reloadAll();
          }
        });
    subscription.sync().subscribe(channel);
    // Read once before returning, so settings applied at start (engine threads) see saved values.
    try {
      redis.sync().hgetall(documentsKey).forEach(this::store);
    } catch (RuntimeException e) {
      log.warn("could not read the saved configuration from Redis at start ({}); using the process properties", e.toString());
    }
  }

  /**
   * The namespace of the installation whose database is {@code jdbcUrl}: the first 12 hex digits
   * of its SHA-256, so the URL (which may name hosts) does not appear in Redis.
   */
  public static String namespace(String jdbcUrl) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(jdbcUrl.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The scope field of a tenant's document. */
  public static String tenantScope(String tenantId) {
    return "tenant:" + tenantId;
  }

  /**
   * The stored value at {@code pointer} for {@code tenantId}: the tenant's document first, then the
   * global one; empty when neither sets it. {@code tenantId} may be null (global only).
   */
  public Optional<Value> value(String tenantId, String pointer) {
    if (tenantId != null) {
      Optional<Value> own = at(documents.get(tenantScope(tenantId)), pointer);
      if (own.isPresent()) {
        return own;
      }
    }
    return at(documents.get(GLOBAL), pointer);
  }

  /** A whole number setting, or {@code fallback} when unset. */
  public long number(String tenantId, String pointer, long fallback) {
    return value(tenantId, pointer)
        .filter(v -> v.getKindCase() == Value.KindCase.NUMBER_VALUE)
        .map(v -> (long) v.getNumberValue())
        .orElse(fallback);
  }

  /** A decimal setting, or {@code fallback} when unset. */
  public double decimal(String tenantId, String pointer, double fallback) {
    return value(tenantId, pointer)
        .filter(v -> v.getKindCase() == Value.KindCase.NUMBER_VALUE)
        .map(Value::getNumberValue)
        .orElse(fallback);
  }

  /** An ISO-8601 duration setting ({@code P30D}, {@code PT5M}), or {@code fallback} when unset. */
  public Duration duration(String tenantId, String pointer, Duration fallback) {
    return value(tenantId, pointer)
        .filter(v -> v.getKindCase() == Value.KindCase.STRING_VALUE)
        .flatMap(v -> parseDuration(v.getStringValue()))
        .orElse(fallback);
  }

  /** A list-of-strings setting, or empty when unset. */
  public Optional<List<String>> strings(String tenantId, String pointer) {
    return value(tenantId, pointer)
        .filter(v -> v.getKindCase() == Value.KindCase.LIST_VALUE)
        .map(v -> v.getListValue().getValuesList().stream().map(Value::getStringValue).toList());
  }

  /** Runs {@code listener} after every change this replica applies (on a Redis thread: keep it short). */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Makes {@code document} the current one of {@code scope} on every replica: writes it to the
   * hash, then announces it. Throws when Redis cannot be reached; the caller decides what that
   * means (the documents stay in PostgreSQL and are published again).
   */
  public void publish(String scope, Struct document) {
    String json;
    try {
      json = JsonFormat.printer().omittingInsignificantWhitespace().print(document);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("configuration document cannot be written as JSON", e);
    }
    var commands = redis.sync();
    commands.hset(documentsKey, scope, json);
    commands.publish(channel, scope);
    apply(scope, json);
  }

  /** Forgets a scope's document everywhere (its settings fall back to the process properties). */
  public void withdraw(String scope) {
    var commands = redis.sync();
    commands.hdel(documentsKey, scope);
    commands.publish(channel, scope);
    apply(scope, null);
  }

  /** Parses an ISO-8601 duration; empty when it is not one. */
  public static Optional<Duration> parseDuration(String text) {
    try {
      return Optional.of(Duration.parse(text));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The value at an RFC 6901 pointer into {@code document}; only object steps are followed. */
  static Optional<Value> at(Struct document, String pointer) {
    if (document == null || pointer.isEmpty() || pointer.charAt(0) != '/') {
      return Optional.empty();
    }
    String[] steps = pointer.substring(1).split("/", -1);
    Struct current = document;
    for (int i = 0; i < steps.length; i++) {
      String step = steps[i].replace("~1", "/").replace("~0", "~");
      Value value = current.getFieldsMap().get(step);
      if (value == null || value.getKindCase() == Value.KindCase.NULL_VALUE) {
        return Optional.empty();
      }
      if (i == steps.length - 1) {
        return Optional.of(value);
      }
      if (value.getKindCase() != Value.KindCase.STRUCT_VALUE) {
        return Optional.empty();
      }
      current = value.getStructValue();
    }
    return Optional.empty();
  }

  private void reload(String field) {
    redis
        .async()
        .hget(documentsKey, field)
        .toCompletableFuture()
        .orTimeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .whenComplete(
            (json, error) -> {
              if (error != null) {
                log.warn("could not read configuration {} from Redis ({}); keeping the previous one", field, error.toString());
              } else {
                apply(field, json);
              }
            });
  }

  private void reloadAll() {
    redis
        .async()
        .hgetall(documentsKey)
        .toCompletableFuture()
        .orTimeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .whenComplete(
            (all, error) -> {
              if (error != null) {
                log.warn("could not read the configuration documents from Redis ({}); keeping the previous ones", error.toString());
                return;
              }
              documents.keySet().removeIf(scope -> !all.containsKey(scope));
              all.forEach(this::store);
              changed();
            });
  }

  private void apply(String scope, String json) {
    if (json == null) {
      documents.remove(scope);
    } else {
      store(scope, json);
    }
    changed();
  }

  private void store(String scope, String json) {
    Struct.Builder document = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, document);
      documents.put(scope, document.build());
    } catch (InvalidProtocolBufferException e) {
      log.warn("ignoring malformed configuration document {} in Redis: {}", scope, e.getMessage());
    }
  }

  private void changed() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        log.warn("a configuration listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
