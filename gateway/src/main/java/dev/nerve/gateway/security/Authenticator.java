package dev.nerve.gateway.security;

import com.nimbusds.jwt.SignedJWT;
import dev.nerve.gateway.identity.AccessTokens;
import dev.nerve.gateway.identity.ActiveUsers;
import dev.nerve.gateway.identity.ApiKeys;
import dev.nerve.gateway.identity.OidcTokens;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import java.text.ParseException;
import java.util.Optional;

/**
 * Turns the credential of a request into an identity: an API key ({@code nrv_...}, in {@code
 * Authorization: Bearer} or {@code X-API-Key}), an access token of this gateway, or one of the
 * configured OIDC issuer. A credential that is present but invalid is UNAUTHENTICATED, never
 * silently anonymous; an own token is valid only while its user exists and is enabled.
 */
public final class Authenticator {

  private final AccessTokens accessTokens;
  private final ApiKeys apiKeys;
  private final Optional<OidcTokens> oidc;
  private final ActiveUsers users;

  public Authenticator(
      AccessTokens accessTokens, ApiKeys apiKeys, Optional<OidcTokens> oidc, ActiveUsers users) {
    this.accessTokens = accessTokens;
    this.apiKeys = apiKeys;
    this.oidc = oidc;
    this.users = users;
  }

  /**
   * The identity behind the credentials; empty when the request carries none.
   *
   * @param authorization value of the Authorization header (or connection_init payload)
   * @param apiKey value of the X-API-Key header
   */
  public Optional<Identity> authenticate(String authorization, String apiKey) {
    if (apiKey != null && !apiKey.isBlank()) {
      return Optional.of(apiKeys.authenticate(apiKey.trim()).orElseThrow(() -> invalid("invalid API key")));
    }
    if (authorization == null || authorization.isBlank()) {
      return Optional.empty();
    }
    String value = authorization.trim();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw invalid("the Authorization header must be 'Bearer <token>'");
    }
    String token = value.substring(7).trim();
    if (token.startsWith(ApiKeys.PREFIX)) {
      return Optional.of(apiKeys.authenticate(token).orElseThrow(() -> invalid("invalid API key")));
    }
    Optional<Identity> known = accessTokens.recall(token);
    if (known.isPresent()) {
      return Optional.of(enabled(known.get()));
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw invalid("invalid access token");
    }
    if (accessTokens.ownToken(jwt)) {
      return Optional.of(enabled(accessTokens.verify(jwt).orElseThrow(() -> invalid("invalid or expired access token"))));
    }
    Optional<Identity> identity = oidc.filter(o -> o.issuedHere(jwt)).flatMap(o -> o.verify(jwt));
    return Optional.of(identity.orElseThrow(() -> invalid("invalid or expired access token")));
  }

  /** The identity of an own token, if its user still exists and is enabled. */
  private Identity enabled(Identity identity) {
    if (!users.active(identity.userId())) {
      throw invalid("invalid or expired access token");
    }
    return identity;
  }

  private static NerveException invalid(String message) {
    return new NerveException(ErrorCode.UNAUTHENTICATED, message);
  }
}
