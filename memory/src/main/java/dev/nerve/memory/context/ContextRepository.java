package dev.nerve.memory.context;

import com.google.protobuf.util.Durations;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.Times;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Contexts and their versions in PostgreSQL ({@code memory.context}, {@code memory.context_version}). */
final class ContextRepository {

  private static final String COLUMNS =
      "id, kind, agent_id, session_id, data::text AS data, token_budget, token_count, ttl_ms,"
          + " expires_at, version, created_at, updated_at";

  private final JdbcClient jdbc;

  ContextRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The current version, locked for update, expired ones included. */
  Optional<Context> lock(String tenantId, String userId, String id) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM memory.context WHERE tenant_id = ? AND user_id = ? AND id = ? FOR UPDATE")
        .params(tenantId, userId, id)
        .query(ContextRepository::map)
        .optional();
  }

  /** The current, unexpired version. */
  Optional<Context> find(String tenantId, String userId, String id, Instant now) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM memory.context WHERE tenant_id = ? AND user_id = ? AND id = ?"
                + " AND (expires_at IS NULL OR expires_at > ?)")
        .params(tenantId, userId, id, Times.sql(now))
        .query(ContextRepository::map)
        .optional();
  }

  /** One past (or the current) version of an unexpired context. */
  Optional<Context> findVersion(String tenantId, String userId, String id, long version, Instant now) {
    return jdbc.sql(
            "SELECT v.id, v.kind, v.agent_id, v.session_id, v.data::text AS data, v.token_budget,"
                + " v.token_count, v.ttl_ms, v.expires_at, v.version, v.created_at, v.updated_at"
                + " FROM memory.context_version v JOIN memory.context c"
                + " ON c.tenant_id = v.tenant_id AND c.user_id = v.user_id AND c.id = v.id"
                + " WHERE v.tenant_id = ? AND v.user_id = ? AND v.id = ? AND v.version = ?"
                + " AND (c.expires_at IS NULL OR c.expires_at > ?)")
        .params(tenantId, userId, id, version, Times.sql(now))
        .query(ContextRepository::map)
        .optional();
  }

  /** Writes {@code context} as the current version and appends it to the history. */
  void save(String tenantId, String userId, Context context, boolean exists) {
    Long ttlMs = context.hasTtl() ? Durations.toMillis(context.getTtl()) : null;
    Instant expiresAt = context.hasExpiresAt() ? Times.instant(context.getExpiresAt()) : null;
    Object[] values = {
      context.getKind(),
      context.getScope().getAgentId(),
      context.getScope().getSessionId(),
      Json.print(context.getData()),
      context.getTokenBudget(),
      context.getTokenCount(),
      ttlMs,
      Times.sql(expiresAt),
      context.getVersion(),
      Times.sql(Times.instant(context.getCreatedAt())),
      Times.sql(Times.instant(context.getUpdatedAt())),
      tenantId,
      userId,
      context.getId()
    };
    if (exists) {
      jdbc.sql(
              "UPDATE memory.context SET kind = ?, agent_id = ?, session_id = ?, data = ?::jsonb,"
                  + " token_budget = ?, token_count = ?, ttl_ms = ?, expires_at = ?, version = ?,"
                  + " created_at = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ? AND id = ?")
          .params(values)
          .update();
    } else {
      jdbc.sql(
              "INSERT INTO memory.context (kind, agent_id, session_id, data, token_budget, token_count,"
                  + " ttl_ms, expires_at, version, created_at, updated_at, tenant_id, user_id, id)"
                  + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(values)
          .update();
    }
    jdbc.sql(
            "INSERT INTO memory.context_version (kind, agent_id, session_id, data, token_budget,"
                + " token_count, ttl_ms, expires_at, version, created_at, updated_at, tenant_id, user_id, id)"
                + " VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(values)
        .update();
  }

  /** Deletes a context and its history; returns whether it existed. */
  boolean delete(String tenantId, String userId, String id) {
    jdbc.sql("DELETE FROM memory.context_version WHERE tenant_id = ? AND user_id = ? AND id = ?")
        .params(tenantId, userId, id)
        .update();
    return jdbc.sql("DELETE FROM memory.context WHERE tenant_id = ? AND user_id = ? AND id = ?")
            .params(tenantId, userId, id)
            .update()
        > 0;
  }

  /**
   * A page of unexpired contexts, most recently updated first, after the keyset position
   * ({@code afterUpdatedMicros}, {@code afterId}) when given.
   */
  List<Context> list(
      String tenantId,
      String userId,
      MemoryScope scope,
      String kind,
      Long afterUpdatedMicros,
      String afterId,
      int limit,
      Instant now) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + COLUMNS + " FROM memory.context WHERE tenant_id = :t AND user_id = :u"
                + " AND (expires_at IS NULL OR expires_at > :now)");
    if (!scope.getAgentId().isEmpty()) {
      sql.append(" AND agent_id = :agent");
    }
    if (!scope.getSessionId().isEmpty()) {
      sql.append(" AND session_id = :session");
    }
    if (!kind.isEmpty()) {
      sql.append(" AND kind = :kind");
    }
    if (afterUpdatedMicros != null) {
      sql.append(" AND (updated_at, id) < (:afterAt, :afterId)");
    }
    sql.append(" ORDER BY updated_at DESC, id DESC LIMIT :limit");
    return jdbc.sql(sql.toString())
        .param("t", tenantId)
        .param("u", userId)
        .param("now", Times.sql(now))
        .param("agent", scope.getAgentId())
        .param("session", scope.getSessionId())
        .param("kind", kind)
        .param("afterAt", afterUpdatedMicros == null ? null : Times.sql(micros(afterUpdatedMicros)))
        .param("afterId", afterId)
        .param("limit", limit)
        .query(ContextRepository::map)
        .list();
  }

  /** A page of one context's versions, newest first, below {@code beforeVersion} when given. */
  List<Context> versions(String tenantId, String userId, String id, Long beforeVersion, int limit) {
    return jdbc.sql(
            "SELECT id, kind, agent_id, session_id, data::text AS data, token_budget, token_count,"
                + " ttl_ms, expires_at, version, created_at, updated_at FROM memory.context_version"
                + " WHERE tenant_id = ? AND user_id = ? AND id = ? AND version < ?"
                + " ORDER BY version DESC LIMIT ?")
        .params(tenantId, userId, id, beforeVersion == null ? Long.MAX_VALUE : beforeVersion, limit)
        .query(ContextRepository::map)
        .list();
  }

  /** Deletes every context of a user; returns how many there were. */
  long forget(String tenantId, String userId) {
    jdbc.sql("DELETE FROM memory.context_version WHERE tenant_id = ? AND user_id = ?")
        .params(tenantId, userId)
        .update();
    return jdbc.sql("DELETE FROM memory.context WHERE tenant_id = ? AND user_id = ?")
        .params(tenantId, userId)
        .update();
  }

  /** Deletes up to {@code batch} expired contexts with their history; returns how many. */
  int purgeExpired(Instant now, int batch) {
    return jdbc.sql(
            "WITH gone AS (DELETE FROM memory.context WHERE ctid IN (SELECT ctid FROM memory.context"
                + " WHERE expires_at <= ? LIMIT ?) RETURNING tenant_id, user_id, id),"
                + " history AS (DELETE FROM memory.context_version v USING gone"
                + " WHERE v.tenant_id = gone.tenant_id AND v.user_id = gone.user_id AND v.id = gone.id"
                + " RETURNING 1) SELECT count(*)::int FROM gone")
        .params(Times.sql(now), batch)
        .query(Integer.class)
        .single();
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  static Instant micros(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000);
  }

  private static Context map(ResultSet rs, int row) throws SQLException {
    Context.Builder context =
        Context.newBuilder()
            .setId(rs.getString("id"))
            .setKind(rs.getString("kind"))
            .setScope(
                MemoryScope.newBuilder()
                    .setAgentId(rs.getString("agent_id"))
                    .setSessionId(rs.getString("session_id")))
            .setData(Json.struct(rs.getString("data")))
            .setTokenBudget(rs.getInt("token_budget"))
            .setTokenCount(rs.getInt("token_count"))
            .setVersion(rs.getLong("version"))
            .setCreatedAt(Times.proto(Times.read(rs, "created_at")))
            .setUpdatedAt(Times.proto(Times.read(rs, "updated_at")));
    long ttl = rs.getLong("ttl_ms");
    if (!rs.wasNull()) {
      context.setTtl(Durations.fromMillis(ttl));
    }
    Instant expires = Times.read(rs, "expires_at");
    if (expires != null) {
      context.setExpiresAt(Times.proto(expires));
    }
    return context.build();
  }
}
