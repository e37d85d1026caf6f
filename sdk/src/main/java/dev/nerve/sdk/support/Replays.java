package dev.nerve.sdk.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * Idempotency keys of calls that execute something (endpoint calls, action runs): the first
 * result is kept in Redis for {@code ttl} under the tenant, the target and the key, and a retry
 * with the same key gets it back instead of running again. While the first run is under way a
 * retry answers CONFLICT; a run that failed leaves no result, so a retry runs again.
 */
public final class Replays {

  private static final String PENDING = "pending";
  private static final String PREFIX = "nerve:sdk:replay:";

  private final StatefulRedisConnection<String, String> redis;
  private final Duration ttl;

  public Replays(StatefulRedisConnection<String, String> redis, Duration ttl) {
    this.redis = redis;
    this.ttl = ttl;
  }

  /** Runs {@code work} once per key; an empty key runs it every time. */
  public <T extends Message> T once(String tenant, String target, String key, Parser<T> parser, Supplier<T> work) {
    if (key.isEmpty()) {
      return work.get();
    }
    if (key.length() > 128) {
      throw NerveException.invalid("requestId", "maxLength", "must be at most 128 characters long");
    }
    String redisKey = PREFIX + tenant.length() + ":" + tenant + ":" + target.length() + ":" + target + ":" + key;
    var commands = redis.sync();
    String claimed = commands.set(redisKey, PENDING, SetArgs.Builder.nx().px(ttl.toMillis()));
    if (claimed == null) {
      String stored = commands.get(redisKey);
      if (stored == null || stored.equals(PENDING)) {
        throw new NerveException(ErrorCode.CONFLICT, "a call with this idempotency key is still running");
      }
      try {
        return parser.parseFrom(Base64.getDecoder().decode(stored));
      } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
        throw new IllegalStateException("unreadable stored result for an idempotency key", e);
      }
    }
    T result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      commands.del(redisKey);
      throw e;
    }
    commands.set(redisKey, Base64.getEncoder().encodeToString(result.toByteArray()), SetArgs.Builder.px(ttl.toMillis()));
    return result;
  }
}
