package dev.nerve.gateway.identity;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Rotating refresh tokens, stored as SHA-256 digests. Each use replaces the token with a new one of
 * the same family; presenting an already rotated token means it was stolen or replayed, so the
 * whole family (the login session) is revoked.
 */
public final class RefreshTokens {

  private static final Logger log = LoggerFactory.getLogger(RefreshTokens.class);

  private final JdbcClient jdbc;
  private final Duration lifetime;
  private final Clock clock;

  private record Row(UUID id, UUID familyId, UUID userId, Instant expiresAt, Instant rotatedAt, Instant revokedAt) {}

  public RefreshTokens(JdbcClient jdbc, Duration lifetime, Clock clock) {
    this.jdbc = jdbc;
    this.lifetime = lifetime;
    this.clock = clock;
  }

  /** A refresh token opening a new family (a login). */
  public String issue(UUID userId) {
    return insert(UUID.randomUUID(), userId);
  }

  /**
   * Exchanges a refresh token for its successor.
   *
   * @return the user it belongs to and the new token
   */
  public Rotated rotate(String token) {
    Row row = find(token).orElseThrow(RefreshTokens::invalid);
    Instant now = clock.instant();
    if (row.revokedAt() != null || row.expiresAt().isBefore(now)) {
      throw invalid();
    }
    int claimed =
        jdbc.sql(
                "update gateway.refresh_tokens set rotated_at = ? where id = ? and rotated_at is null"
                    + " and revoked_at is null")
            .params(Timestamp.from(now), row.id())
            .update();
    if (claimed == 0) {
      revokeFamily(row.familyId());
      log.warn("Refresh token reuse detected: session family {} of user {} revoked", row.familyId(), row.userId());
      throw new NerveException(
          ErrorCode.UNAUTHENTICATED, "refresh token was already used; the session has been revoked");
    }
    return new Rotated(row.userId(), row.familyId(), insert(row.familyId(), row.userId()));
  }

  /** Revokes the family of {@code token} (logout); unknown tokens are ignored. */
  public void revoke(String token) {
    find(token).ifPresent(row -> revokeFamily(row.familyId()));
  }

  /** Revokes every session of a user (disabled user). */
  public void revokeUser(UUID userId) {
    jdbc.sql("update gateway.refresh_tokens set revoked_at = ? where user_id = ? and revoked_at is null")
        .params(Timestamp.from(clock.instant()), userId)
        .update();
  }

  /** Whether a family was revoked (for tests and audits). */
  public boolean familyRevoked(UUID familyId) {
    return jdbc.sql(
            "select bool_and(revoked_at is not null) from gateway.refresh_tokens where family_id = ?")
        .param(familyId)
        .query(Boolean.class)
        .single();
  }

  private void revokeFamily(UUID familyId) {
    jdbc.sql("update gateway.refresh_tokens set revoked_at = ? where family_id = ? and revoked_at is null")
        .params(Timestamp.from(clock.instant()), familyId)
        .update();
  }

  private String insert(UUID familyId, UUID userId) {
    String token = "nrt_" + Secrets.random();
    Instant now = clock.instant();
    jdbc.sql(
            "insert into gateway.refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_at)"
                + " values (?, ?, ?, ?, ?, ?)")
        .params(
            UUID.randomUUID(),
            familyId,
            userId,
            Secrets.sha256(token),
            Timestamp.from(now.plus(lifetime)),
            Timestamp.from(now))
        .update();
    return token;
  }

  private Optional<Row> find(String token) {
    if (token == null || !token.startsWith("nrt_")) {
      return Optional.empty();
    }
    return jdbc.sql(
            "select id, family_id, user_id, expires_at, rotated_at, revoked_at"
                + " from gateway.refresh_tokens where token_hash = ?")
        .param(Secrets.sha256(token))
        .query(
            (rs, n) ->
                new Row(
                    rs.getObject("id", UUID.class),
                    rs.getObject("family_id", UUID.class),
                    rs.getObject("user_id", UUID.class),
                    rs.getTimestamp("expires_at").toInstant(),
                    UserStore.instant(rs.getTimestamp("rotated_at")),
                    UserStore.instant(rs.getTimestamp("revoked_at"))))
        .optional();
  }

  private static NerveException invalid() {
    return new NerveException(ErrorCode.UNAUTHENTICATED, "invalid or expired refresh token");
  }

  /**
   * Result of a rotation.
   *
   * @param userId owner of the session
   * @param familyId the session
   * @param token the new refresh token
   */
  public record Rotated(UUID userId, UUID familyId, String token) {}
}
