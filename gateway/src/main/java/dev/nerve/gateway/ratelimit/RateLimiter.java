package dev.nerve.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.nerve.gateway.GatewayProperties;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.redis.RedisCircuit;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in Redis (Bucket4j, Lettuce proxy manager), so every gateway replica draws from the
 * same budget. When Redis cannot be reached the limiter fails open (request passes, metric {@code
 * nerve.gateway.ratelimit.unavailable} counts it, a warning is logged at most every 30 s) or, with
 * {@code fail-open=false}, refuses with UNAVAILABLE. Bucket operations go through the process's
 * {@link RedisCircuit}: once Redis is known down, requests skip it at once instead of each waiting
 * for {@code redis-timeout}, until trial calls find it back.
 *
 * <p>A bucket check costs two Redis round trips (read, then compare-and-swap). To keep that off
 * the path of most requests, a replica may take up to {@code sync-tokens} tokens (never more than
 * 1% of the bucket) locally and writes them to Redis when that many are taken or {@code
 * sync-interval} has passed (Bucket4j's delaying optimization). All replicas together can so
 * overspend a bucket by at most that many tokens each; small buckets such as the login limit are
 * synced on every request.
 */
public final class RateLimiter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
  private static final Duration RECONNECT_GAP = Duration.ofSeconds(5);

  private final RedisClient client;
  private final RedisURI uri;
  private final GatewayProperties.RateLimit settings;
  private final Counter unavailable;
  private final Counter limited;
  private final RedisCircuit circuit;
  /** Bucket proxies by key and size; they hold the locally taken, not yet synced tokens. */
  private final Cache<String, Bucket> local =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(2)).build();
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private volatile ProxyManager<String> buckets;
  private volatile Instant lastConnectAttempt = Instant.EPOCH;
  private volatile Instant lastWarning = Instant.EPOCH;

  public RateLimiter(
      RedisClient client,
      String redisUri,
      GatewayProperties.RateLimit settings,
      MeterRegistry meters,
      RedisCircuit circuit) {
    this.client = client;
    this.circuit = circuit;
    this.uri = RedisURI.create(redisUri);
    this.uri.setTimeout(settings.redisTimeout());
    this.settings = settings;
    this.unavailable =
        Counter.builder("nerve.gateway.ratelimit.unavailable")
            .description("Requests let through or refused without a rate-limit check because Redis was unreachable")
            .register(meters);
    this.limited =
        Counter.builder("nerve.gateway.ratelimit.rejected")
            .description("Requests refused because the caller's rate-limit bucket was empty")
            .register(meters);
  }

  /**
   * Takes {@code cost} tokens from the bucket {@code key} that holds {@code perMinute} tokens and
   * refills them evenly over a minute.
   *
   * @throws RateLimitedException when the bucket has too few tokens
   */
  public void consume(String key, long cost, long perMinute) {
    if (!settings.enabled() || cost <= 0) {
      return;
    }
    ConsumptionProbe probe;
    try {
      probe = circuit.call(() -> bucket(key, perMinute).tryConsumeAndReturnRemaining(Math.min(cost, perMinute)));
    } catch (RuntimeException e) {
      redisUnavailable(e);
      return;
    }
    if (!probe.isConsumed()) {
      limited.increment();
      long seconds = (long) Math.ceil(probe.getNanosToWaitForRefill() / 1e9);
      throw new RateLimitedException("rate limit exceeded; retry in " + Math.max(1, seconds) + " s", seconds);
    }
  }

  private Bucket bucket(String key, long perMinute) {
    ProxyManager<String> manager = buckets();
    return local.get(
        perMinute + "/" + key,
        ignored -> {
          // Each limit has a bucket of its own (the limit is part of the key): Bucket4j replaces a
          // stored configuration only for a higher version, so a lowered limit (a saved
          // configuration) would otherwise never apply. A changed limit so starts a full bucket.
          RemoteBucketBuilder<String> builder = manager.builder();
          long unsynced = Math.min(settings.syncTokens(), perMinute / 100);
          if (unsynced > 0) {
            builder =
                builder.withOptimization(
                    Optimizations.delaying(new DelayParameters(unsynced, settings.syncInterval())));
          }
          return builder.build(settings.keyPrefix() + perMinute + ":" + key, () -> configuration(perMinute));
        });
  }

  private static BucketConfiguration configuration(long perMinute) {
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
        .build();
  }

  private ProxyManager<String> buckets() {
    ProxyManager<String> current = buckets;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (buckets == null) {
        if (lastConnectAttempt.plus(RECONNECT_GAP).isAfter(Instant.now())) {
          throw new IllegalStateException("Redis for rate limits is unreachable; next attempt soon");
        }
        lastConnectAttempt = Instant.now();
        StatefulRedisConnection<String, byte[]> opened =
            client
                .connectAsync(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri)
                .toCompletableFuture()
                .orTimeout(settings.redisTimeout().toMillis() * 4, TimeUnit.MILLISECONDS)
                .join();
        opened.setTimeout(settings.redisTimeout());
        connection = opened;
        local.invalidateAll();
        buckets =
            Bucket4jLettuce.casBasedBuilder(opened)
                .requestTimeout(settings.redisTimeout())
                .expirationAfterWrite(
                    ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofMinutes(1)))
                .build();
      }
      return buckets;
    }
  }

  private void redisUnavailable(RuntimeException e) {
    unavailable.increment();
    Instant now = Instant.now();
    if (lastWarning.plusSeconds(30).isBefore(now)) {
      lastWarning = now;
      log.warn(
          "Rate limiting cannot reach Redis ({}); requests are {} until it is back",
          RedisCircuit.refused(e) ? "circuit open" : e.getClass().getSimpleName(),
          settings.failOpen() ? "allowed without limits (fail-open)" : "refused (fail-closed)");
    }
    if (!settings.failOpen()) {
      throw NerveException.unavailable("rate limiting is unavailable; retry later", e);
    }
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, byte[]> current = connection;
    if (current != null) {
      current.close();
    }
  }
}
