package dev.nerve.memory.context;

import dev.nerve.api.memory.v1.Context;
import dev.nerve.memory.support.Json;
import dev.nerve.platform.concurrent.DaemonThreads;
import dev.nerve.platform.redis.RedisCircuit;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-through cache of current contexts in two levels: a small map in each replica and a shared
 * Redis entry. Writers put the new version into Redis (version-guarded, so a slow reader can never
 * put back an older one) and publish an invalidation that every replica applies to its own map.
 *
 * <p>Redis outages never fail a call and never leave a stale read behind: PostgreSQL is the
 * system of record, so a read that cannot use Redis reads PostgreSQL; a committed write whose cache
 * update failed remembers its key (bounded; past the bound the whole cache is flushed) and deletes
 * the Redis entry once Redis answers again, while this replica bypasses Redis for those keys; and
 * while the invalidation channel is interrupted the local map is not trusted and is dropped when
 * the channel reconnects, since invalidations may have been missed. Redis calls go through the
 * process's {@link RedisCircuit}, so a Redis known down costs nothing.
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

  /** Invalidation message asking every replica to drop its whole local map. */
  static final String FLUSH_ALL = "*";
  /** Most keys remembered for repair after failed cache updates; beyond it the cache is flushed. */
  static final int MAX_PENDING = 10_000;

  private final Counter hits;
  private final Counter misses;
  private final StatefulRedisConnection<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> subscription;
  private final Duration ttl;
  private final Map<String, Entry> local;
  private final RedisCircuit circuit;
  /** Keys whose Redis entry may be stale because a committed write could not update it. */
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean flushAll = new AtomicBoolean();
  /** Whether the invalidation channel is connected, i.e. the local map can be trusted. */
  private volatile boolean listening = true;
  private final ScheduledExecutorService repairs;

  /** A local entry; a null context marks a version known to be superseded or deleted. */
  private record Entry(long version, Context context, long expiresAtNanos) {}

  ContextCache(
      RedisClient client,
      StatefulRedisConnection<String, String> redis,
      Duration ttl,
      int localSize,
      RedisCircuit circuit,
      MeterRegistry meters) {
    this.hits = lookups(meters, "hit");
    this.misses = lookups(meters, "miss");
    this.redis = redis;
    this.ttl = ttl;
    this.circuit = circuit;
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
            if (FLUSH_ALL.equals(message)) {
              clearLocal();
              return;
            }
            int newline = message.indexOf('\n');
            invalidateLocally(message.substring(0, newline), Long.parseLong(message.substring(newline + 1)));
          }
        });
    subscription.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            listening = false;
            clearLocal();
          }

          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            // Invalidations published while the channel was down are lost: start over.
            clearLocal();
            listening = true;
          }
        });
    subscription.sync().subscribe(CHANNEL);
    this.repairs =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("context-cache-repair"));
    repairs.scheduleWithFixedDelay(this::repair, 200, 200, TimeUnit.MILLISECONDS);
  }

  private static Counter lookups(MeterRegistry meters, String result) {
    return Counter.builder("nerve.memory.context.cache.lookups")
        .baseUnit("lookups")
        .description("Context cache lookups (local map, then Redis), by result: hit ratio = hit / (hit + miss)")
        .tag("result", result)
        .register(meters);
  }

  static String key(String tenantId, String userId, String id) {
    return PREFIX + enc(tenantId) + ':' + enc(userId) + ':' + enc(id);
  }

  /** The cached context, if either level holds it and may be trusted; counted as a hit or a miss. */
  Optional<Context> get(String key) {
    Optional<Context> found = find(key);
    (found.isPresent() ? hits : misses).increment();
    return found;
  }

  private Optional<Context> find(String key) {
    if (listening) {
      synchronized (local) {
        Entry entry = local.get(key);
        if (entry != null && entry.context != null && entry.expiresAtNanos - System.nanoTime() > 0) {
          return Optional.of(entry.context);
        }
      }
    }
    if (flushAll.get() || pending.contains(key)) {
      return Optional.empty();
    }
    String cached;
    try {
      cached = circuit.call(() -> redis.sync().get(key));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
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
    if (!flushAll.get() && !pending.contains(key)) {
      try {
        putRedis(key, context.getVersion(), Json.print(context), ttl);
      } catch (RuntimeException e) {
        // A read's cache fill is best effort; PostgreSQL answered.
      }
    }
    if (listening) {
      putLocally(key, context.getVersion(), context);
    }
  }

  /**
   * After a committed write: caches the new version and tells every replica. Never fails: when
   * Redis cannot be updated the key is remembered and repaired once Redis answers.
   */
  void written(String key, Context context, boolean created) {
    putLocally(key, context.getVersion(), context);
    try {
      if (created) {
        // A re-created id starts again at version 1, below any tombstone of its predecessor.
        circuit.run(
            () ->
                redis.sync().set(key, context.getVersion() + "\n" + Json.print(context), SetArgs.Builder.px(ttl.toMillis())));
      } else {
        putRedis(key, context.getVersion(), Json.print(context), ttl);
      }
      publish(key, created ? 0 : context.getVersion());
    } catch (RuntimeException e) {
      stale(key, e);
    }
  }

  /** After a committed delete: leaves a short tombstone and tells every replica. Never fails. */
  void deleted(String key) {
    invalidateLocally(key, DELETED);
    try {
      putRedis(key, DELETED, "", TOMBSTONE_TTL);
      publish(key, DELETED);
    } catch (RuntimeException e) {
      stale(key, e);
    }
  }

  /** Remembers that Redis may hold an outdated entry for {@code key}. */
  private void stale(String key, RuntimeException cause) {
    if (pending.size() >= MAX_PENDING) {
      flushAll.set(true);
    } else {
      pending.add(key);
    }
    log.warn("context cache: Redis not updated for a committed write ({}); repairing when Redis is back", cause.toString());
  }

  /** Deletes the Redis entries of remembered keys (or all of them) and tells every replica. */
  void repair() {
    if ((pending.isEmpty() && !flushAll.get()) || circuit.open()) {
      return;
    }
    try {
      if (flushAll.get()) {
        circuit.run(this::deleteAll);
        flushAll.set(false);
        pending.clear();
        circuit.run(() -> redis.sync().publish(CHANNEL, FLUSH_ALL));
        log.info("context cache: flushed after a Redis outage");
        return;
      }
      for (String key : List.copyOf(pending)) {
        circuit.run(() -> redis.sync().del(key));
        circuit.run(() -> redis.sync().publish(CHANNEL, key + "\n0"));
        pending.remove(key);
      }
    } catch (RuntimeException e) {
      // Still down; the next round retries.
    }
  }

  private void deleteAll() {
    ScanCursor cursor = ScanCursor.INITIAL;
    ScanArgs match = ScanArgs.Builder.matches(PREFIX + "*").limit(1000);
    do {
      KeyScanCursor<String> page = redis.sync().scan(cursor, match);
      if (!page.getKeys().isEmpty()) {
        redis.sync().del(page.getKeys().toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }

  /** Whether some Redis entries still wait for repair (for tests and health details). */
  boolean repairPending() {
    return flushAll.get() || !pending.isEmpty();
  }

  private void clearLocal() {
    synchronized (local) {
      local.clear();
    }
  }

  private void putRedis(String key, long version, String payload, Duration entryTtl) {
    circuit.run(
        () ->
            redis
                .sync()
                .eval(
                    PUT_IF_NEWER,
                    ScriptOutputType.INTEGER,
                    new String[] {key},
                    Long.toString(version),
                    payload,
                    Long.toString(entryTtl.toMillis())));
  }

  private void publish(String key, long version) {
    circuit.run(() -> redis.sync().publish(CHANNEL, key + "\n" + version));
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
    repairs.shutdownNow();
    subscription.close();
  }

  private static String enc(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace(":", "%3A");
  }
}
