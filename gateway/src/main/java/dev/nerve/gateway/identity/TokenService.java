package dev.nerve.gateway.identity;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.util.UUID;

/** Login, refresh and logout: what {@code POST /api/v1/auth/token} and the auth mutations do. */
public final class TokenService {

  private final UserStore users;
  private final AccessTokens accessTokens;
  private final RefreshTokens refreshTokens;

  public TokenService(UserStore users, AccessTokens accessTokens, RefreshTokens refreshTokens) {
    this.users = users;
    this.accessTokens = accessTokens;
    this.refreshTokens = refreshTokens;
  }

  /** Exchanges a username and password for tokens; one vague error for every failure. */
  public TokenPair login(String username, String password) {
    UserAccount user =
        users
            .authenticate(username, password)
            .orElseThrow(
                () -> new NerveException(ErrorCode.UNAUTHENTICATED, "invalid username or password"));
    return pair(user, refreshTokens.issue(user.id()));
  }

  /** Exchanges a refresh token for new tokens, rotating it. */
  public TokenPair refresh(String refreshToken) {
    RefreshTokens.Rotated rotated = refreshTokens.rotate(refreshToken);
    UserAccount user =
        users
            .byId(rotated.userId())
            .filter(u -> !u.disabled())
            .orElseThrow(
                () -> new NerveException(ErrorCode.UNAUTHENTICATED, "invalid or expired refresh token"));
    return pair(user, rotated.token());
  }

  /** Ends the session the refresh token belongs to. */
  public void logout(String refreshToken) {
    refreshTokens.revoke(refreshToken);
  }

  /** Ends every session of a user. */
  public void logoutEverywhere(UUID userId) {
    refreshTokens.revokeUser(userId);
  }

  private TokenPair pair(UserAccount user, String refreshToken) {
    return new TokenPair(
        accessTokens.issue(user.identity(), user.username()),
        refreshToken,
        accessTokens.lifetime().toSeconds());
  }

  /**
   * What a login or refresh returns.
   *
   * @param accessToken JWT for the {@code Authorization: Bearer} header
   * @param refreshToken single-use token for the next refresh
   * @param expiresIn seconds until the access token expires
   */
  public record TokenPair(String accessToken, String refreshToken, long expiresIn) {

    @Override
    public String toString() {
      return "TokenPair[expiresIn=" + expiresIn + "]";
    }
  }
}
