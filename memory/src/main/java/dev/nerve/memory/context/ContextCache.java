package dev.nerve.memory.context;

import dev.nerve.api.memory.v1.Context;
import dev.nerve.memory.support.Json;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-through cache of current contexts in two levels: a small map in each replica and a shared
 * Redis entry. Writers put the new version into Redis (version-guarded, so a slow reader can never
 * put back an older one) and publish an invalidation that every replica applies to its own map.
 */
final class ContextCache implements AutoCloseable {

  static final String CHANNEL = "nerve:memory:context-invalidations";
  private static final String PREFIX = "nerve:memory:ctx:";
  private static final long DELETED = Long.MAX_VALUE;
  private static final Duration TOMBSTONE_TTL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(ContextCache.class);

  /** KEYS: entry. ARGV: version, payload, ttl ms. Sets unless a newer or equal version is cached. */
  private static final String PUT_IF_NEWER =
      """
      local cur = redis.call('GET', KEYS[1])
      if cur then
        local v = tonumber(string.sub(cur, 1, string.find(cur, '\\n') - 1))
        if v >= tonumber(ARGV[1]) then return 0 end
      end
      redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'PX', ARGV[3])
      return 1
      """;

  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final Duration ttl;
  private final Map<String, Entry> local;

  /** A local entry; a null context marks a version known to be superseded or deleted. */
  private record Entry(long version, Context context, long expiresAtNanos) {}

  ContextCache(
      RedisClient client,
      StatefulRedisConnection<String, String> redis,
      Duration ttl,
      int localSize) {
    this.redis = redis;
    this.ttl = ttl;
    this.local =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > localSize;
          }
        };
    this.subscription = client.connectPubSub();
    subscription.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            int newline = message.indexOf('\n');
            invalidateLocally(message.substring(0, newline), Long.parseLong(message.substring(newline + 1)));
          }
        });
    subscription.sync().subscribe(CHANNEL);
  }

  static String key(String tenantId, String userId, String id) {
    return PREFIX + enc(tenantId) + ':' + enc(userId) + ':' + enc(id);
  }

  /** The cached context, if either level holds it. */
  Optional<Context> get(String key) {
    synchronized (local) {
      Entry entry = local.get(key);
      if (entry != null && entry.context != null && entry.expiresAtNanos - System.nanoTime() > 0) {
        return Optional.of(entry.context);
      }
    }
    String cached = redis.sync().get(key);
    if (cached == null) {
      return Optional.empty();
    }
    int newline = cached.indexOf('\n');
    long version = Long.parseLong(cached.substring(0, newline));
    if (version == DELETED) {
      return Optional.empty();
    }
    Context.Builder context = Context.newBuilder();
    Json.merge(cached.substring(newline + 1), context);
    putLocally(key, version, context.build());
    return Optional.of(context.build());
  }

  /** Caches a version read from PostgreSQL, unless a newer one is already known. */
  void fill(String key, Context context) {
    putRedis(key, context.getVersion(), Json.print(context), ttl);
    putLocally(key, context.getVersion(), context);
  }

  /** After a committed write: caches the new version and tells every replica. */
  void written(String key, Context context, boolean created) {
    if (created) {
      // A re-created id starts again at version 1, below any tombstone of its predecessor.
      redis.sync().set(key, context.getVersion() + "\n" + Json.print(context), SetArgs.Builder.px(ttl.toMillis()));
    } else {
      putRedis(key, context.getVersion(), Json.print(context), ttl);
    }
    publish(key, created ? 0 : context.getVersion());
    putLocally(key, context.getVersion(), context);
  }

  /** After a committed delete: leaves a short tombstone and tells every replica. */
  void deleted(String key) {
    putRedis(key, DELETED, "", TOMBSTONE_TTL);
    invalidateLocally(key, DELETED);
    publish(key, DELETED);
  }

  private void putRedis(String key, long version, String payload, Duration entryTtl) {
    redis
        .sync()
        .eval(
            PUT_IF_NEWER,
            ScriptOutputType.INTEGER,
            new String[] {key},
            Long.toString(version),
            payload,
            Long.toString(entryTtl.toMillis()));
  }

  private void publish(String key, long version) {
    try {
      redis.sync().publish(CHANNEL, key + "\n" + version);
    } catch (RuntimeException e) {
      log.warn("could not publish context invalidation for {}: {}", key, e.toString());
    }
  }

  private void putLocally(String key, long version, Context context) {
    synchronized (local) {
      Entry entry = local.get(key);
      boolean stale = entry != null && entry.expiresAtNanos - System.nanoTime() <= 0;
      boolean newer =
          entry == null
              || entry.version < version
              || (entry.context == null && entry.version == version);
      if (stale || newer) {
        local.put(key, new Entry(version, context, System.nanoTime() + ttl.toNanos()));
      }
    }
  }

  /** Version 0 forgets the entry; any other version marks everything older as stale. */
  void invalidateLocally(String key, long version) {
    synchronized (local) {
      if (version == 0) {
        local.remove(key);
        return;
      }
      Entry entry = local.get(key);
      if (entry == null || entry.version < version) {
        local.put(key, new Entry(version, null, System.nanoTime() + ttl.toNanos()));
      }
    }
  }

  @Override
  public void close() {
    subscription.close();
  }

  private static String enc(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace(":", "%3A");
  }
}
