package dev.nerve.memory.shortterm;

import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.Owner;
import dev.nerve.platform.redis.RedisCircuit;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Working memory in Redis. Every write is one Lua script, so the per-session cap and the TTL hold
 * under concurrent writers; expired sessions vanish through Redis TTLs without a sweeper.
 */
final class ShortTermStore {

  /**
   * KEYS: items list, sessions set, and the request key when the call has a request id. ARGV: item
   * JSON, cap, ttl ms, set member, request hash, request key ttl ms. Returns "hash\nitem JSON" of
   * the item stored now or, for a request key seen before, of the item stored then.
   */
  private static final String APPEND =
      """
      if KEYS[3] then
        local done = redis.call('GET', KEYS[3])
        if done then return done end
      end
      redis.call('LPUSH', KEYS[1], ARGV[1])
      local cap = tonumber(ARGV[2])
      local evicted = redis.call('LLEN', KEYS[1]) - cap
      if evicted > 0 then redis.call('LTRIM', KEYS[1], 0, cap - 1) else evicted = 0 end
      local ttl = tonumber(ARGV[3])
      if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
      redis.call('SADD', KEYS[2], ARGV[4])
      if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
      local stored = ARGV[5] .. '\\n' .. ARGV[1]
      if KEYS[3] then redis.call('SET', KEYS[3], stored, 'PX', ARGV[6]) end
      return stored
      """;

  /** KEYS: items list, sessions set. ARGV: member. Deletes a session; returns its item count. */
  private static final String DROP =
      """
      local n = redis.call('LLEN', KEYS[1])
      redis.call('DEL', KEYS[1])
      redis.call('SREM', KEYS[2], ARGV[1])
      return n
      """;

  /** KEYS: items list. ARGV: the items to remove. Returns how many were removed. */
  private static final String REMOVE =
      """
      local n = 0
      for i = 1, #ARGV do n = n + redis.call('LREM', KEYS[1], 1, ARGV[i]) end
      return n
      """;

  private final StatefulRedisConnection<String, String> connection;
  private final RedisCircuit circuit;

  /** Every command goes through {@code circuit}, so calls fail at once while Redis is known down. */
  ShortTermStore(StatefulRedisConnection<String, String> connection, RedisCircuit circuit) {
    this.connection = connection;
    this.circuit = circuit;
  }

  /**
   * Appends an item to its session, evicting the oldest beyond {@code cap}, and returns what is
   * stored: {@code item}, or, when {@code requestKey} was used before, the item stored then (in one
   * script, so the key and the item are written together or not at all).
   *
   * @param requestKey Redis key of the call's request id; null without one
   * @param requestHash hash of the request, to refuse a key reused for another request
   */
  Stored append(ShortTermItem item, Owner owner, int cap, Duration ttl, String requestKey, String requestHash) {
    List<String> keys = new ArrayList<>(List.of(ShortTermKeys.items(owner), ShortTermKeys.sessions(owner.tenantId(), owner.userId())));
    if (requestKey != null) {
      keys.add(requestKey);
    }
    String stored =
        circuit.call(
            () ->
                redis()
                    .<String>eval(
                        APPEND,
                        ScriptOutputType.VALUE,
                        keys.toArray(String[]::new),
                        Json.print(item),
                        Integer.toString(cap),
                        Long.toString(Math.max(1, ttl.toMillis())),
                        ShortTermKeys.member(owner),
                        requestHash == null ? "" : requestHash,
                        Long.toString(REQUEST_KEY_TTL.toMillis())));
    int newline = stored.indexOf('\n');
    return new Stored(stored.substring(0, newline), parse(stored.substring(newline + 1)));
  }

  /** How long a request key is remembered, as for PostgreSQL-backed writes. */
  static final Duration REQUEST_KEY_TTL = dev.nerve.platform.idempotency.IdempotencyKeys.RETENTION;

  /**
   * What {@link #append} stored.
   *
   * @param requestHash hash of the request that stored it (empty without a request id)
   * @param item the item
   */
  record Stored(String requestHash, ShortTermItem item) {}

  /** The sessions of the caller that {@code scope} selects (empty fields match every value). */
  List<Owner> sessions(Owner scope) {
    if (!scope.agentId().isEmpty() && !scope.sessionId().isEmpty()) {
      return List.of(scope);
    }
    List<Owner> result = new ArrayList<>();
    for (String member : circuit.call(() -> redis().smembers(ShortTermKeys.sessions(scope.tenantId(), scope.userId())))) {
      Owner session = ShortTermKeys.owner(scope.tenantId(), scope.userId(), member);
      if ((scope.agentId().isEmpty() || scope.agentId().equals(session.agentId()))
          && (scope.sessionId().isEmpty() || scope.sessionId().equals(session.sessionId()))) {
        result.add(session);
      }
    }
    return result;
  }

  /** The raw items of a session, newest first. */
  List<String> rawItems(Owner session) {
    return circuit.call(() -> redis().lrange(ShortTermKeys.items(session), 0, -1));
  }

  /** Parses a stored item. */
  static ShortTermItem parse(String raw) {
    ShortTermItem.Builder item = ShortTermItem.newBuilder();
    Json.merge(raw, item);
    return item.build();
  }

  /** Deletes a whole session; returns the number of items it held. */
  long drop(Owner session) {
    Long n =
        circuit.call(
            () ->
                redis()
                    .<Long>eval(
                        DROP,
                        ScriptOutputType.INTEGER,
                        new String[] {ShortTermKeys.items(session), ShortTermKeys.sessions(session.tenantId(), session.userId())},
                        ShortTermKeys.member(session)));
    return n == null ? 0 : n;
  }

  /** Removes exactly the given items (those read before), keeping items written since. */
  long remove(Owner session, List<String> rawItems) {
    if (rawItems.isEmpty()) {
      return 0;
    }
    Long n =
        circuit.call(
            () ->
                redis()
                    .<Long>eval(
                        REMOVE,
                        ScriptOutputType.INTEGER,
                        new String[] {ShortTermKeys.items(session)},
                        rawItems.toArray(String[]::new)));
    return n == null ? 0 : n;
  }

  /** Forgets every session of a user; returns the number of items deleted. */
  long forget(String tenantId, String userId) {
    long total = 0;
    for (Owner session : sessions(new Owner(tenantId, userId, "", ""))) {
      total += drop(session);
    }
    circuit.call(() -> redis().del(ShortTermKeys.sessions(tenantId, userId)));
    return total;
  }

  private RedisCommands<String, String> redis() {
    return connection.sync();
  }
}
