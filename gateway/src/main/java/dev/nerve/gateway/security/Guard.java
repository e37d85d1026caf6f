package dev.nerve.gateway.security;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.gateway.ratelimit.RateLimiter;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.security.Permission;
import dev.nerve.platform.settings.LiveSettings;
import java.util.Optional;

/**
 * The one decision both surfaces make before an operation runs: is there an {@link Operation}, is the caller
 * authenticated when it must be, does the role grant the permission, and is the budget left. The
 * budgets are the saved configuration's {@code /rateLimits/*} (per tenant for {@code perMinute}),
 * read on every request so a saved change applies at once, else {@code nerve.gateway.rate-limit.*}.
 */
public final class Guard {

  private final RateLimiter limiter;
  private final GatewayProperties.RateLimit limits;
  private final LiveSettings settings;

  public Guard(RateLimiter limiter, GatewayProperties.RateLimit limits, LiveSettings settings) {
    this.limiter = limiter;
    this.limits = limits;
    this.settings = settings;
  }

  /** Fails with UNAUTHENTICATED or PERMISSION_DENIED unless the caller may run the operation. */
  public void authorize(String operation, Optional<Operation> entry, Caller caller) {
    if (entry.isEmpty()) {
      throw new NerveException(ErrorCode.PERMISSION_DENIED, operation + " has no permission assigned");
    }
    Permission permission = entry.get().permission();
    if (permission == Permission.PUBLIC) {
      return;
    }
    if (caller.identity() == null) {
      throw new NerveException(
          ErrorCode.UNAUTHENTICATED,
          "authentication required: send Authorization: Bearer <access token or API key>");
    }
    if (!permission.grantedTo(caller.identity())) {
      throw new NerveException(
          ErrorCode.PERMISSION_DENIED, operation + " requires permission " + permission.id());
    }
  }

  /** Takes {@code cost} from the caller's budget (per user/key, or per IP when anonymous). */
  public void charge(Caller caller, long cost) {
    if (cost <= 0) {
      return;
    }
    long perMinute =
        caller.identity() == null
            ? live(null, "/rateLimits/anonymousPerMinute", limits.anonymousPerMinute())
            : live(caller.identity().tenantId(), "/rateLimits/perMinute", limits.perMinute());
    limiter.consume(caller.principal(), cost, perMinute);
  }

  /**
   * The stricter budget of login and refresh attempts: per client IP, per username from that IP,
   * and a higher ceiling per username across all addresses. Attempts from one address can so never
   * lock a user out of logging in from another.
   */
  public void chargeLogin(Caller caller, String username) {
    long perIp = live(null, "/rateLimits/loginPerMinute", limits.loginPerMinute());
    limiter.consume("login:ip:" + caller.clientIp(), 1, perIp);
    if (username != null && !username.isBlank()) {
      limiter.consume("login:user-ip:" + username + "@" + caller.clientIp(), 1, perIp);
      limiter.consume(
          "login:user:" + username, 1, live(null, "/rateLimits/loginPerUserPerMinute", limits.loginPerUserPerMinute()));
    }
  }

  private long live(String tenantId, String pointer, long fallback) {
    return settings == null ? fallback : settings.number(tenantId, pointer, fallback);
  }
}
