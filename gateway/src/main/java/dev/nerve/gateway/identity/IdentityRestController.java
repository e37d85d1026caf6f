package dev.nerve.gateway.identity;

import dev.nerve.gateway.security.Caller;
import dev.nerve.gateway.security.Guard;
import dev.nerve.gateway.security.RestGuard;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** REST for authentication (tokens, JWKS) and identity administration (users, API keys, keys). */
@RestController
@Tag(name = "Identity", description = "Login, tokens, API keys and users")
class IdentityRestController {

  private final TokenService tokens;
  private final IdentityAdmin admin;
  private final SigningKeys signingKeys;
  private final Guard guard;

  IdentityRestController(TokenService tokens, IdentityAdmin admin, SigningKeys signingKeys, Guard guard) {
    this.tokens = tokens;
    this.admin = admin;
    this.signingKeys = signingKeys;
    this.guard = guard;
  }

  /**
   * Body of {@code POST /api/v1/auth/token}: a username and password, or a refresh token.
   *
   * @param username login name
   * @param password password
   * @param refreshToken refresh token from an earlier response
   */
  record TokenRequest(String username, String password, String refreshToken) {
    @Override
    public String toString() {
      return "TokenRequest[username=" + username + "]";
    }
  }

  /**
   * Body of {@code POST /api/v1/auth/logout}.
   *
   * @param refreshToken refresh token of the session to end
   */
  record LogoutRequest(String refreshToken) {
    @Override
    public String toString() {
      return "LogoutRequest[]";
    }
  }

  @PostMapping("/api/v1/auth/token")
  @Operation(
      summary = "Log in or refresh",
      description =
          "Exchanges {\"username\",\"password\"} or {\"refreshToken\"} for a short-lived access token"
              + " (JWT, ES256) and a new single-use refresh token.")
  TokenService.TokenPair token(@RequestBody TokenRequest body, HttpServletRequest request) {
    Caller caller = caller(request);
    IdentityInputs.Login login = IdentityInputs.login(body.username(), body.password(), body.refreshToken());
    guard.chargeLogin(caller, login.username());
    return login.refreshToken() != null
        ? tokens.refresh(login.refreshToken())
        : tokens.login(login.username(), login.password());
  }

  @PostMapping("/api/v1/auth/logout")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Log out", description = "Revokes the session (refresh token family) of the given refresh token.")
  void logout(@RequestBody LogoutRequest body) {
    tokens.logout(IdentityInputs.required("refreshToken", body.refreshToken()));
  }

  @GetMapping("/api/v1/auth/me")
  @Operation(summary = "Who am I", description = "The identity the request's credential stands for.")
  IdentityViews.Me me() {
    return IdentityViews.Me.of(admin.current());
  }

  @GetMapping("/.well-known/jwks.json")
  @Operation(summary = "JSON Web Key Set", description = "Public keys that verify Nerve access tokens.")
  Map<String, Object> jwks() {
    return signingKeys.jwks();
  }

  @GetMapping("/api/v1/identity/users")
  @Operation(summary = "List users", description = "Users of the caller's tenant (admins).")
  List<IdentityViews.User> users() {
    return admin.users().stream().map(IdentityViews.User::of).toList();
  }

  @PostMapping("/api/v1/identity/users")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create a user", description = "A user in the caller's tenant (admins).")
  IdentityViews.User createUser(@RequestBody IdentityInputs.NewUser body, HttpServletRequest request) {
    IdentityViews.User user = IdentityViews.User.of(admin.createUser(body));
    request.setAttribute(RestGuard.AUDIT_TARGETS, List.of(user.id()));
    return user;
  }

  @GetMapping("/api/v1/identity/api-keys")
  @Operation(summary = "List API keys", description = "API keys of the caller's tenant, never their secrets (admins).")
  List<ApiKeys.ApiKey> apiKeys() {
    return admin.apiKeys();
  }

  @PostMapping("/api/v1/identity/api-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create an API key", description = "The response holds the key itself; it is shown only this once.")
  ApiKeys.Created createApiKey(@RequestBody IdentityInputs.NewApiKey body, HttpServletRequest request) {
    ApiKeys.Created created = admin.createApiKey(body);
    request.setAttribute(RestGuard.AUDIT_TARGETS, List.of(created.key().id().toString()));
    return created;
  }

  @DeleteMapping("/api/v1/identity/api-keys/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Revoke an API key", description = "The key stops working at once.")
  void revokeApiKey(@PathVariable("id") String id) {
    admin.revokeApiKey(IdentityInputs.uuid("id", id));
  }

  @PostMapping("/api/v1/identity/signing-keys")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Rotate the signing key", description = "Tokens signed with the previous key stay valid until they expire.")
  Map<String, String> rotate() {
    return Map.of("kid", signingKeys.rotate());
  }

  private static Caller caller(HttpServletRequest request) {
    return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller c
        ? c
        : Caller.anonymous(request.getRemoteAddr());
  }
}
