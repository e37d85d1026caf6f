package dev.nerve.gateway.identity;

import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API keys for machines: created by admins, shown once ({@code nrv_...}), stored as SHA-256,
 * scoped to roles, revocable; the last use is recorded (at most once a minute per key).
 */
public final class ApiKeys {

  /** Prefix of every API key; tells keys from JWTs in an Authorization header. */
  public static final String PREFIX = "nrv_";

  private final JdbcClient jdbc;
  private final Clock clock;

  public ApiKeys(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Creates a key; the returned secret is never stored or shown again. */
  public Created create(String tenantId, String name, List<String> roles, String createdBy) {
    String secret = PREFIX + Secrets.random();
    UUID id = UUID.randomUUID();
    jdbc.sql(
            "insert into gateway.api_keys (id, tenant_id, name, prefix, key_hash, roles, created_by)"
                + " values (?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            tenantId,
            name,
            secret.substring(0, PREFIX.length() + 6),
            Secrets.sha256(secret),
            roles.toArray(String[]::new),
            createdBy)
        .update();
    return new Created(get(tenantId, id), secret);
  }

  /** The identity of an unrevoked key; records its use. */
  public Optional<Identity> authenticate(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      return Optional.empty();
    }
    Optional<ApiKey> key =
        jdbc.sql(SELECT + " where key_hash = ? and revoked_at is null")
            .param(Secrets.sha256(secret))
            .query(ApiKeys::row)
            .optional();
    key.ifPresent(this::touch);
    return key.map(k -> new Identity(k.tenantId(), "apikey:" + k.id(), Set.copyOf(k.roles())));
  }

  /** Keys of a tenant, newest first (never their secrets). */
  public List<ApiKey> list(String tenantId) {
    return jdbc.sql(SELECT + " where tenant_id = ? order by created_at desc, id")
        .param(tenantId)
        .query(ApiKeys::row)
        .list();
  }

  /** One key of the tenant; NOT_FOUND for other tenants' keys. */
  public ApiKey get(String tenantId, UUID id) {
    return jdbc.sql(SELECT + " where tenant_id = ? and id = ?")
        .params(tenantId, id)
        .query(ApiKeys::row)
        .optional()
        .orElseThrow(() -> NerveException.notFound("API key", id.toString()));
  }

  /** Revokes a key of the tenant; NOT_FOUND for other tenants' keys. */
  public ApiKey revoke(String tenantId, UUID id) {
    int changed =
        jdbc.sql(
                "update gateway.api_keys set revoked_at = coalesce(revoked_at, ?)"
                    + " where tenant_id = ? and id = ?")
            .params(Timestamp.from(clock.instant()), tenantId, id)
            .update();
    if (changed == 0) {
      throw NerveException.notFound("API key", id.toString());
    }
    return get(tenantId, id);
  }

  private void touch(ApiKey key) {
    Instant now = clock.instant();
    if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minusSeconds(60))) {
      jdbc.sql("update gateway.api_keys set last_used_at = ? where id = ?")
          .params(Timestamp.from(now), key.id())
          .update();
    }
  }

  private static final String SELECT =
      "select id, tenant_id, name, prefix, roles, created_by, created_at, last_used_at, revoked_at"
          + " from gateway.api_keys";

  private static ApiKey row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
    return new ApiKey(
        rs.getObject("id", UUID.class),
        rs.getString("tenant_id"),
        rs.getString("name"),
        rs.getString("prefix"),
        UserStore.strings(rs.getArray("roles")),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant(),
        UserStore.instant(rs.getTimestamp("last_used_at")),
        UserStore.instant(rs.getTimestamp("revoked_at")));
  }

  /**
   * An API key as admins see it (never the secret).
   *
   * @param id key id
   * @param tenantId tenant it acts in
   * @param name label given by its creator
   * @param prefix first characters of the secret, to recognise it
   * @param roles roles it acts with
   * @param createdBy user id of the admin who created it
   * @param createdAt when it was created
   * @param lastUsedAt last authenticated use (minute precision), null if never
   * @param revokedAt when it was revoked, null while active
   */
  public record ApiKey(
      UUID id,
      String tenantId,
      String name,
      String prefix,
      List<String> roles,
      String createdBy,
      Instant createdAt,
      Instant lastUsedAt,
      Instant revokedAt) {}

  /**
   * A freshly created key.
   *
   * @param key its metadata
   * @param secret the key itself, shown this once
   */
  public record Created(ApiKey key, String secret) {}
}
