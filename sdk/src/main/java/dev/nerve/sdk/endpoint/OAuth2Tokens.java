package dev.nerve.sdk.endpoint;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.integration.Credentials;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundRefusedException;
import dev.nerve.platform.outbound.OutboundRequest;
import dev.nerve.platform.outbound.OutboundResponse;
import dev.nerve.sdk.support.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * OAuth 2.0 client-credentials tokens, fetched from the token URL with the integration's
 * {@code client_id}/{@code client_secret} (HTTP Basic, RFC 6749 section 2.3.1) and cached per
 * tenant, integration, token URL and scopes until {@value #SKEW_SECONDS} seconds before they
 * expire (a token without {@code expires_in} is kept 5 minutes). A 401 from the API drops the
 * cached token so the next attempt fetches a new one. Tokens stay in this replica's memory only.
 */
final class OAuth2Tokens {

  static final long SKEW_SECONDS = 30;
  private static final int MAX_ENTRIES = 10_000;
  private static final int MAX_TOKEN_RESPONSE = 64 * 1024;

  private record Key(String tenant, String integrationId, String tokenUrl, List<String> scopes, String clientId) {}

  private record Token(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[expiresAt=" + expiresAt + "]";
    }
  }

  private final GuardedHttpClient http;
  private final Clock clock;
  private final Map<Key, Token> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Token> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  OAuth2Tokens(GuardedHttpClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** A valid access token, from the cache or freshly fetched. */
  String token(String tenant, Credentials credentials, String tokenUrl, List<String> scopes, Duration timeout) {
    Key key = new Key(tenant, credentials.integrationId(), tokenUrl, List.copyOf(scopes), credentials.secret("client_id"));
    synchronized (cache) {
      Token cached = cache.get(key);
      if (cached != null && clock.instant().isBefore(cached.expiresAt())) {
        return cached.value();
      }
    }
    Token fresh = fetch(credentials, tokenUrl, scopes, timeout);
    synchronized (cache) {
      cache.put(key, fresh);
    }
    return fresh.value();
  }

  /** Forgets the cached token that was refused. */
  void invalidate(String tenant, String integrationId, String refusedToken) {
    synchronized (cache) {
      cache.entrySet().removeIf(e -> e.getKey().tenant().equals(tenant)
          && e.getKey().integrationId().equals(integrationId)
          && Objects.equals(e.getValue().value(), refusedToken));
    }
  }

  private Token fetch(Credentials credentials, String tokenUrl, List<String> scopes, Duration timeout) {
    String clientId = credentials.secret("client_id");
    String clientSecret = credentials.secret("client_secret");
    if (clientId.isEmpty() || clientSecret.isEmpty()) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "integration '" + credentials.integrationId() + "' has no client_id and client_secret credentials for OAuth2");
    }
    StringBuilder form = new StringBuilder("grant_type=client_credentials");
    if (!scopes.isEmpty()) {
      form.append("&scope=").append(URLEncoder.encode(String.join(" ", scopes), StandardCharsets.UTF_8));
    }
    String basic = Base64.getEncoder().encodeToString(
        (URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8));
    OutboundRequest request = OutboundRequest.builder("POST", tokenUrl)
        .timeout(timeout)
        .secretHeader("Authorization", "Basic " + basic)
        .header("Accept", "application/json")
        .body(form.toString().getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded")
        .followRedirects(false)
        .build();
    Instant asked = clock.instant();
    OutboundResponse response;
    try {
      response = http.send(request);
    } catch (OutboundRefusedException refused) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "the OAuth2 token URL is refused by the outbound guard: " + refused.getMessage());
    } catch (NerveException failed) {
      throw new NerveException(failed.code() == ErrorCode.DEADLINE_EXCEEDED ? ErrorCode.UNAVAILABLE : failed.code(),
          "cannot fetch an OAuth2 token: " + failed.getMessage());
    }
    if (!response.successful()) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "the OAuth2 token endpoint refused the client credentials of integration '"
              + credentials.integrationId() + "' (HTTP " + response.status() + ")");
    }
    try {
      JsonNode json = Json.read(new String(response.body(), 0, Math.min(response.body().length, MAX_TOKEN_RESPONSE), StandardCharsets.UTF_8));
      String token = json.path("access_token").asString("");
      if (token.isEmpty()) {
        throw new NerveException(ErrorCode.FAILED_PRECONDITION, "the OAuth2 token endpoint answered without an access_token");
      }
      long expiresIn = json.path("expires_in").asLong(300);
      long keep = Math.max(0, expiresIn - Math.min(SKEW_SECONDS, expiresIn / 2));
      return new Token(token, asked.plusSeconds(keep));
    } catch (IllegalArgumentException e) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "the OAuth2 token endpoint did not answer JSON");
    }
  }
}
