package dev.nerve.learning.activity;

import dev.nerve.learning.support.Times;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Tombstones in {@code learning.forgotten_user}, so that events a relay delivers after a user was
 * forgotten are not stored again. A per-user advisory lock orders intake against erasure: intake
 * holds it shared for its transaction, forgetting exclusively, so no event slips in between.
 */
final class ForgottenUsers {

  private final JdbcTemplate jdbc;

  ForgottenUsers(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records (or moves later) the tombstone; call in the erasing transaction. */
  void forget(String tenantId, String userId, Instant at) {
    jdbc.query("select pg_advisory_xact_lock(" + LOCK_KEY + ")", rs -> {}, tenantId, userId);
    jdbc.update(
        "insert into learning.forgotten_user (tenant_id, user_id, forgotten_at) values (?, ?, ?)"
            + " on conflict (tenant_id, user_id) do update"
            + " set forgotten_at = greatest(learning.forgotten_user.forgotten_at, excluded.forgotten_at)",
        tenantId,
        userId,
        Times.sql(at));
  }

  /**
   * When each of {@code userIds} was last forgotten (absent: never), holding their shared locks
   * until the calling transaction ends.
   */
  Map<String, Instant> lockAndRead(String tenantId, Collection<String> userIds) {
    Map<String, Instant> forgotten = new HashMap<>();
    for (String userId : new TreeSet<>(userIds)) {
      jdbc.query("select pg_advisory_xact_lock_shared(" + LOCK_KEY + ")", rs -> {}, tenantId, userId);
      jdbc.query(
          "select forgotten_at from learning.forgotten_user where tenant_id = ? and user_id = ?",
          rs -> {
            forgotten.put(userId, Times.read(rs, "forgotten_at"));
          },
          tenantId,
          userId);
    }
    return forgotten;
  }

  /** One lock per tenant and user; a hash collision only makes two users wait for each other. */
  private static final String LOCK_KEY = "hashtextextended('learning.forgotten_user/' || ? || '/' || ?, 0)";
}
