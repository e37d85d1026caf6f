package dev.nerve.gateway.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.nerve.platform.secrets.SecretBox;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ES256 keys access tokens are signed with, kept in PostgreSQL so every gateway replica signs
 * and verifies with the same set. The newest unretired key signs; a retired key stays published
 * (and accepted) until the longest-lived token it could have signed has expired, so rotation logs
 * nobody out. Private keys are stored encrypted with the master key ({@link SecretBox}); a key
 * stored in plaintext by an earlier version is encrypted when it is first read.
 */
public final class SigningKeys {

  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  private static final Duration RELOAD_EVERY = Duration.ofSeconds(30);
  private static final Duration MIN_RELOAD_GAP = Duration.ofSeconds(2);

  private final JdbcClient jdbc;
  private final SecretBox box;
  private final Duration tokenLifetime;
  private final Duration rotationAge;
  private final Clock clock;
  private volatile Loaded loaded = new Loaded(List.of(), Instant.EPOCH);

  private record Stored(ECKey key, Instant createdAt, Instant retiredAt) {}

  private record Loaded(List<Stored> keys, Instant at) {}

  public SigningKeys(
      JdbcClient jdbc, SecretBox box, Duration tokenLifetime, Duration rotationAge, Clock clock) {
    this.jdbc = jdbc;
    this.box = box;
    this.tokenLifetime = tokenLifetime;
    this.rotationAge = rotationAge;
    this.clock = clock;
  }

  /** The key new tokens are signed with, rotating it first when it is older than the rotation age. */
  public ECKey signingKey() {
    Optional<Stored> active = active(keys());
    if (active.isEmpty()
        || active.get().createdAt().plus(rotationAge).isBefore(clock.instant())) {
      rotate();
      active = active(keys());
    }
    return active.orElseThrow().key();
  }

  /** The public key with this id, if it is still published. */
  public Optional<ECKey> verificationKey(String kid) {
    Optional<ECKey> key = find(keys(), kid);
    if (key.isEmpty() && loaded.at().plus(MIN_RELOAD_GAP).isBefore(clock.instant())) {
      // Another replica may have rotated a moment ago.
      key = find(reload(), kid);
    }
    return key;
  }

  /** Whether the key with this id is still published (tokens it signed are still accepted). */
  public boolean published(String kid) {
    return keys().stream().anyMatch(k -> k.key().getKeyID().equals(kid));
  }

  /** The published keys, as served at {@code /.well-known/jwks.json}. */
  public Map<String, Object> jwks() {
    List<JWK> published = keys().stream().map(s -> (JWK) s.key().toPublicJWK()).toList();
    return new JWKSet(published).toJSONObject(true);
  }

  /** Id of the key that signs new tokens, read from the database now; empty when none is active. */
  public Optional<String> activeKeyId() {
    return active(reload()).map(k -> k.key().getKeyID());
  }

  /** Replaces the signing key; the previous one stays published until its tokens expired. */
  public String rotate() {
    ECKey key;
    try {
      key =
          new ECKeyGenerator(Curve.P_256)
              .keyID(UUID.randomUUID().toString())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.ES256)
              .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a signing key", e);
    }
    Instant now = clock.instant();
    jdbc.sql("update gateway.signing_keys set retired_at = ? where retired_at is null")
        .param(java.sql.Timestamp.from(now))
        .update();
    jdbc.sql("insert into gateway.signing_keys (kid, private_jwk, created_at) values (?, ?, ?)")
        .params(key.getKeyID(), box.seal(key.toJSONString(), context(key.getKeyID())), java.sql.Timestamp.from(now))
        .update();
    log.info("Signing key rotated: new key id {}", key.getKeyID());
    reload();
    return key.getKeyID();
  }

  private List<Stored> keys() {
    Loaded current = loaded;
    if (current.at().plus(RELOAD_EVERY).isBefore(clock.instant())) {
      return reload();
    }
    return current.keys();
  }

  private synchronized List<Stored> reload() {
    Instant now = clock.instant();
    Instant oldestPublished = now.minus(tokenLifetime).minus(Duration.ofMinutes(1));
    List<Stored> keys =
        jdbc.sql(
                "select kid, private_jwk, created_at, retired_at from gateway.signing_keys"
                    + " where retired_at is null or retired_at > ? order by created_at desc")
            .param(java.sql.Timestamp.from(oldestPublished))
            .query(
                (rs, n) ->
                    new Stored(
                        read(rs.getString("kid"), rs.getString("private_jwk")),
                        rs.getTimestamp("created_at").toInstant(),
                        UserStore.instant(rs.getTimestamp("retired_at"))))
            .list();
    loaded = new Loaded(keys, now);
    return keys;
  }

  private static Optional<Stored> active(List<Stored> keys) {
    return keys.stream()
        .filter(k -> k.retiredAt() == null)
        .max(Comparator.comparing(Stored::createdAt));
  }

  private static Optional<ECKey> find(List<Stored> keys, String kid) {
    return keys.stream()
        .map(Stored::key)
        .filter(k -> k.getKeyID().equals(kid))
        .map(ECKey::toPublicJWK)
        .findFirst();
  }

  /** The private key of a row: decrypted, or (written before encryption) parsed and encrypted now. */
  private ECKey read(String kid, String stored) {
    if (SecretBox.sealed(stored)) {
      return parse(box.open(stored, context(kid)));
    }
    ECKey key = parse(stored);
    jdbc.sql("update gateway.signing_keys set private_jwk = ? where kid = ? and private_jwk = ?")
        .params(box.seal(stored, context(kid)), kid, stored)
        .update();
    log.info("Signing key {} was stored unencrypted; it is encrypted now", kid);
    return key;
  }

  /** Associated data binding a sealed key to its row. */
  private static String context(String kid) {
    return "gateway.signing_keys:" + kid;
  }

  private static ECKey parse(String json) {
    try {
      return ECKey.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException("stored signing key is unreadable", e);
    }
  }
}
