package dev.nerve.gateway.identity;

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
 * API key id, {@code tid} the tenant, {@code roles} the roles.
 */
public final class AccessTokens {

  private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private final SigningKeys keys;
  private final String issuer;
  private final Duration lifetime;
  private final Clock clock;

  public AccessTokens(SigningKeys keys, String issuer, Duration lifetime, Clock clock) {
    this.keys = keys;
    this.issuer = issuer;
    this.lifetime = lifetime;
    this.clock = clock;
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
          || expires.toInstant().plus(CLOCK_SKEW).isBefore(clock.instant())) {
        return Optional.empty();
      }
      String tenant = claims.getStringClaim("tid");
      List<String> roles = claims.getStringListClaim("roles");
      if (tenant == null || claims.getSubject() == null) {
        return Optional.empty();
      }
      return Optional.of(
          new Identity(tenant, claims.getSubject(), roles == null ? Set.of() : Set.copyOf(roles)));
    } catch (ParseException | JOSEException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
