package dev.nerve.gateway.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.security.Role;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts access tokens of an external OpenID Connect issuer ({@code NERVE_OIDC_ISSUER}): keys come
 * from the issuer's discovery document ({@code jwks_uri}), the tenant and roles from configurable
 * claims. Unknown role names are dropped; a token without roles can authenticate but do nothing.
 * While the issuer cannot be reached, discovery is retried with exponential backoff (1 s doubling
 * to 1 min) instead of on every request, and its tokens are refused in the meantime.
 */
public final class OidcTokens {

  private static final Logger log = LoggerFactory.getLogger(OidcTokens.class);

  private final String issuer;
  private final String audience;
  private final String tenantClaim;
  private final String rolesClaim;
  private final String defaultTenant;
  private final Clock clock;
  private volatile DefaultJWTProcessor<SecurityContext> processor;
  private Instant nextDiscovery = Instant.EPOCH;
  private Duration backoff = FIRST_BACKOFF;

  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  public OidcTokens(
      String issuer,
      String audience,
      String tenantClaim,
      String rolesClaim,
      String defaultTenant,
      Clock clock) {
    this.clock = clock;
    this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    this.audience = audience == null || audience.isBlank() ? null : audience;
    this.tenantClaim = tenantClaim;
    this.rolesClaim = rolesClaim;
    this.defaultTenant = defaultTenant;
  }

  /** Whether the token claims to come from this issuer. */
  public boolean issuedHere(SignedJWT jwt) {
    try {
      String iss = jwt.getJWTClaimsSet().getIssuer();
      return iss != null && (iss.equals(issuer) || iss.equals(issuer + "/"));
    } catch (java.text.ParseException e) {
      return false;
    }
  }

  /** The identity of a valid token of the issuer; empty for anything else. */
  public Optional<Identity> verify(SignedJWT jwt) {
    try {
      JWTClaimsSet claims = processor().process(jwt, null);
      String tenant = claims.getStringClaim(tenantClaim);
      Set<String> roles = new LinkedHashSet<>();
      Object raw = claims.getClaim(rolesClaim);
      if (raw instanceof List<?> list) {
        list.stream().map(String::valueOf).filter(r -> Role.fromId(r).isPresent()).forEach(roles::add);
      }
      return Optional.of(
          new Identity(
              tenant == null || tenant.isBlank() ? defaultTenant : tenant,
              "oidc:" + claims.getSubject(),
              roles));
    } catch (Exception e) {
      log.debug("OIDC token rejected: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private DefaultJWTProcessor<SecurityContext> processor() throws IOException, InterruptedException {
    DefaultJWTProcessor<SecurityContext> current = processor;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (processor == null) {
        Instant now = clock.instant();
        if (now.isBefore(nextDiscovery)) {
          throw new IOException("OIDC issuer unreachable; next discovery attempt at " + nextDiscovery);
        }
        URL jwksUri;
        try {
          jwksUri = jwksUri();
        } catch (IOException e) {
          nextDiscovery = now.plus(backoff);
          log.warn("OIDC discovery at {} failed ({}); retrying in {} s", issuer, e.getMessage(), backoff.toSeconds());
          backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
          throw e;
        }
        backoff = FIRST_BACKOFF;
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwksUri).retrying(true).build();
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(
            new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256), keys));
        p.setJWTClaimsSetVerifier(
            new DefaultJWTClaimsVerifier<>(
                audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "exp")));
        processor = p;
      }
      return processor;
    }
  }

  private URL jwksUri() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("OIDC discovery answered " + response.statusCode());
    }
    try {
      Map<String, Object> document = JSONObjectUtils.parse(response.body());
      return URI.create(JSONObjectUtils.getString(document, "jwks_uri")).toURL();
    } catch (java.text.ParseException e) {
      throw new IOException("OIDC discovery document is not JSON", e);
    }
  }
}
