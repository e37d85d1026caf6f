package dev.nerve.gateway.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.nerve.platform.identity.Identity;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived JWT access tokens (ES256) the gateway issues and accepts: {@code sub} is the user or
 * API key id, {@code tid} the tenant, {@code roles} the roles. A token is refused before its
 * {@code nbf} and {@code iat} and after its {@code exp}, each with {@value #SKEW_SECONDS} s of
 * clock-skew allowance; whether its user still exists and is enabled is checked on every request
 * ({@link ActiveUsers}).
 *
 * <p>Checking an ES256 signature is the costliest step of an authenticated request, and a client
 * sends the same token until it expires. So a token whose signature and claims passed once is
 * remembered (bounded, at most {@value #VERIFIED_CACHE_SIZE} tokens) until it expires or its key
 * stops being published; only the exact same token string is recognised.
 */
public final class AccessTokens {

  static final int VERIFIED_CACHE_SIZE = 10_000;
  static final long SKEW_SECONDS = 30;
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(SKEW_SECONDS);

  private final SigningKeys keys;
  private final String issuer;
  private final Duration lifetime;
  private final Clock clock;
  private final Cache<String, Verified> verified;

  /** A token that passed {@link #verify}: who it names, until when, and the key that signed it. */
  private record Verified(Identity identity, Instant expiresAt, String keyId) {}

  public AccessTokens(SigningKeys keys, String issuer, Duration lifetime, Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.lifetime = lifetime;
    this.clock = clock;
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(VERIFIED_CACHE_SIZE)
            .expireAfterWrite(lifetime.plus(CLOCK_SKEW))
            .build();
  }

  /** Lifetime of the tokens issued. */
  public Duration lifetime() {
    return lifetime;
  }

  /** The issuer claim of own tokens. */
  public String issuer() {
    return issuer;
  }

  /** A signed token for {@code identity}. */
  public String issue(Identity identity, String username) {
    ECKey key = keys.signingKey();
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(identity.userId())
            .claim("tid", identity.tenantId())
            .claim("roles", List.copyOf(identity.roles()))
            .claim("name", username)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    return jwt.serialize();
  }

  /** Whether the token looks like a JWT of this issuer (to choose between own tokens and OIDC). */
  public boolean ownToken(SignedJWT jwt) {
    try {
      return issuer.equals(jwt.getJWTClaimsSet().getIssuer());
    } catch (ParseException e) {
      return false;
    }
  }

  /**
   * The identity of {@code token} if exactly this token was verified before and is still valid;
   * empty when it has to be (re)verified.
   */
  public Optional<Identity> recall(String token) {
    Verified known = verified.getIfPresent(token);
    if (known == null) {
      return Optional.empty();
    }
    if (expired(known.expiresAt()) || !keys.published(known.keyId())) {
      verified.invalidate(token);
      return Optional.empty();
    }
    return Optional.of(known.identity());
  }

  /** The identity of a valid, unexpired own token; empty for anything else. */
  public Optional<Identity> verify(SignedJWT jwt) {
    try {
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())
          || jwt.getHeader().getKeyID() == null) {
        return Optional.empty();
      }
      Optional<ECKey> key = keys.verificationKey(jwt.getHeader().getKeyID());
      if (key.isEmpty() || !jwt.verify(new ECDSAVerifier(key.get()))) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expires = claims.getExpirationTime();
      if (!issuer.equals(claims.getIssuer())
          || expires == null
          || expired(expires.toInstant())
          || inTheFuture(claims.getNotBeforeTime())
          || inTheFuture(claims.getIssueTime())) {
        return Optional.empty();
      }
      String tenant = claims.getStringClaim("tid");
      List<String> roles = claims.getStringListClaim("roles");
      if (tenant == null || claims.getSubject() == null) {
        return Optional.empty();
      }
      Identity identity =
          new Identity(tenant, claims.getSubject(), roles == null ? Set.of() : Set.copyOf(roles));
      if (jwt.getParsedString() != null) {
        verified.put(
            jwt.getParsedString(),
            new Verified(identity, expires.toInstant(), jwt.getHeader().getKeyID()));
      }
      return Optional.of(identity);
    } catch (ParseException | JOSEException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A time claim later than now plus the skew allowance: the token is not valid yet. */
  private boolean inTheFuture(Date claim) {
    return claim != null && claim.toInstant().isAfter(clock.instant().plus(CLOCK_SKEW));
  }

  private boolean expired(Instant expiresAt) {
    return expiresAt.plus(CLOCK_SKEW).isBefore(clock.instant());
  }
}
