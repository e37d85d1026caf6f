package dev.nerve.gateway;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Gateway settings (prefix {@code nerve.gateway}); every one is in the README's configuration
 * table and docs/security.md.
 *
 * @param defaultTenant tenant the bootstrap admin (and OIDC callers without a tenant claim) belong to
 * @param auth tokens, bootstrap admin and the optional OIDC issuer
 * @param rateLimit request budgets in Redis
 * @param graphql GraphQL abuse limits
 * @param http body size limit and CORS
 */
@ConfigurationProperties("nerve.gateway")
public record GatewayProperties(
    @DefaultValue("default") String defaultTenant,
    @DefaultValue Auth auth,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue GraphQl graphql,
    @DefaultValue Http http) {

  /**
   * Authentication.
   *
   * @param issuer {@code iss} of the access tokens the gateway signs
   * @param accessTokenTtl lifetime of an access token (JWT)
   * @param refreshTokenTtl lifetime of a refresh token; each use rotates it
   * @param signingKeyRotation age after which the signing key is replaced (old keys stay in the
   *     JWKS until their tokens expired)
   * @param bootstrapAdminUsername first admin, created on start when no user exists
   * @param bootstrapAdminPassword its password (never logged; at least 12 characters)
   * @param oidcIssuer external OpenID Connect issuer whose tokens are accepted too; blank is off
   * @param oidcAudience required {@code aud} of OIDC tokens; blank accepts any
   * @param oidcTenantClaim claim naming the tenant in OIDC tokens
   * @param oidcRolesClaim claim listing Nerve roles in OIDC tokens
   */
  public record Auth(
      @DefaultValue("nerve") String issuer,
      @DefaultValue("15m") Duration accessTokenTtl,
      @DefaultValue("30d") Duration refreshTokenTtl,
      @DefaultValue("30d") Duration signingKeyRotation,
      String bootstrapAdminUsername,
      String bootstrapAdminPassword,
      String oidcIssuer,
      String oidcAudience,
      @DefaultValue("nerve_tenant") String oidcTenantClaim,
      @DefaultValue("nerve_roles") String oidcRolesClaim) {

    @Override
    public String toString() {
      return "Auth[issuer=" + issuer + ", bootstrapAdminUsername=" + bootstrapAdminUsername
          + ", bootstrapAdminPassword=<hidden>, oidcIssuer=" + oidcIssuer + "]";
    }
  }

  /**
   * Rate limits: token buckets shared by every gateway replica through Redis.
   *
   * @param enabled whether requests are limited at all
   * @param perMinute budget (in cost units) per user or API key per minute
   * @param anonymousPerMinute budget per client IP per minute for unauthenticated calls
   * @param loginPerMinute login and refresh attempts per minute per client IP, and per username
   *     from one client IP
   * @param loginPerUserPerMinute login attempts per minute per username from all addresses together;
   *     higher than {@code loginPerMinute}, so one address cannot lock a user out
   * @param failOpen whether requests pass (true) or get 503 (false) when Redis cannot be reached
   * @param redisTimeout how long a bucket operation may wait for Redis
   * @param keyPrefix prefix of the bucket keys in Redis (deployments sharing one Redis differ here)
   * @param syncTokens most tokens a replica takes from a bucket locally before it writes them to
   *     Redis; also capped at 1% of the bucket, so small buckets (login) are synced on every request.
   *     {@code 0} syncs every request
   * @param syncInterval longest time a replica keeps locally taken tokens before writing them
   */
  public record RateLimit(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("600") long perMinute,
      @DefaultValue("60") long anonymousPerMinute,
      @DefaultValue("10") long loginPerMinute,
      @DefaultValue("100") long loginPerUserPerMinute,
      @DefaultValue("true") boolean failOpen,
      @DefaultValue("500ms") Duration redisTimeout,
      @DefaultValue("nerve:ratelimit:") String keyPrefix,
      @DefaultValue("20") long syncTokens,
      @DefaultValue("200ms") Duration syncInterval) {}

  /**
   * GraphQL abuse limits, applied over HTTP and WebSocket alike.
   *
   * @param maxDepth deepest field nesting
   * @param maxComplexity number of fields selected (each field counts 1, whatever its list size)
   * @param maxAliases aliased fields per document
   * @param maxTokens parser tokens per document
   * @param maxDocumentBytes size of the query text
   * @param introspection whether {@code __schema}/{@code __type} and GraphiQL are available
   */
  public record GraphQl(
      @DefaultValue("12") int maxDepth,
      @DefaultValue("500") int maxComplexity,
      @DefaultValue("20") int maxAliases,
      @DefaultValue("2000") int maxTokens,
      @DefaultValue("16KB") DataSize maxDocumentBytes,
      @DefaultValue("true") boolean introspection) {}

  /**
   * HTTP hygiene.
   *
   * @param maxBodyBytes largest request body on any route
   * @param corsOrigins frontend origins allowed to call the API from a browser
   */
  public record Http(@DefaultValue("1MB") DataSize maxBodyBytes, List<String> corsOrigins) {

    public Http {
      corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }
  }
}
