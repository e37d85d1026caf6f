package dev.nerve.sdk.endpoint;

import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.EndpointAuth;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.sdk.integration.Credentials;
import java.net.URLEncoder;
import dev.nerve.platform.outbound.OutboundRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Adds an endpoint's authentication to a request, with secrets taken from its integration: Basic
 * ({@code username}, {@code password}), Bearer ({@code token}), API key ({@code api_key} in a
 * header or query parameter) or an OAuth2 client-credentials token.
 */
final class Authenticator {

  private final OAuth2Tokens tokens;

  Authenticator(OAuth2Tokens tokens) {
    this.tokens = tokens;
  }

  /** What was applied, so a 401 can drop a refused OAuth2 token. */
  record Applied(String oauthToken) {
    static final Applied NONE = new Applied(null);
  }

  /** Query suffix for an API key sent as a query parameter, or empty. */
  static String querySuffix(Endpoint endpoint, Credentials credentials, boolean queryPresent) {
    EndpointAuth auth = endpoint.getAuth();
    if (auth.getType() != EndpointAuth.Type.TYPE_API_KEY || auth.getApiKeyQuery().isEmpty()) {
      return "";
    }
    return (queryPresent ? "&" : "?")
        + URLEncoder.encode(auth.getApiKeyQuery(), StandardCharsets.UTF_8)
        + "="
        + URLEncoder.encode(required(credentials, "api_key"), StandardCharsets.UTF_8);
  }

  Applied apply(String tenant, Endpoint endpoint, Credentials credentials, OutboundRequest.Builder request, Duration timeout) {
    EndpointAuth auth = endpoint.getAuth();
    switch (auth.getType()) {
      case TYPE_BASIC -> {
        String pair = required(credentials, "username") + ":" + credentials.secret("password");
        request.secretHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      }
      case TYPE_BEARER -> request.secretHeader("Authorization", "Bearer " + required(credentials, "token"));
      case TYPE_API_KEY -> {
        if (auth.getApiKeyQuery().isEmpty()) {
          request.secretHeader(auth.getApiKeyHeader().isEmpty() ? "X-API-Key" : auth.getApiKeyHeader(), required(credentials, "api_key"));
        }
      }
      case TYPE_OAUTH2_CLIENT_CREDENTIALS -> {
        String tokenUrl = auth.getTokenUrl().isEmpty() ? credentials.setting("token_url", "") : auth.getTokenUrl();
        if (tokenUrl.isEmpty()) {
          throw new NerveException(ErrorCode.FAILED_PRECONDITION,
              "endpoint '" + endpoint.getName() + "' uses OAuth2 but neither it nor its integration names a token_url");
        }
        String token = tokens.token(tenant, credentials, tokenUrl, auth.getScopesList(), timeout);
        request.secretHeader("Authorization", "Bearer " + token);
        return new Applied(token);
      }
      default -> {}
    }
    return Applied.NONE;
  }

  void refused(String tenant, Credentials credentials, Applied applied) {
    if (applied.oauthToken() != null) {
      tokens.invalidate(tenant, credentials.integrationId(), applied.oauthToken());
    }
  }

  private static String required(Credentials credentials, String name) {
    String value = credentials.secret(name);
    if (value.isEmpty()) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION,
          "integration '" + credentials.integrationId() + "' has no '" + name + "' credential");
    }
    return value;
  }
}
