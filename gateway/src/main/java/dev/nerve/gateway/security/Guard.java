package dev.nerve.gateway.security;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.gateway.ratelimit.RateLimiter;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.security.Permission;
import java.util.Optional;

/**
 * The one decision both surfaces make before an operation runs: is there an {@link Operation}, is the caller
 * authenticated when it must be, does the role grant the permission, and is the budget left.
 */
public final class Guard {

  private final RateLimiter limiter;
  private final GatewayProperties.RateLimit limits;

  public Guard(RateLimiter limiter, GatewayProperties.RateLimit limits) {
    this.limiter = limiter;
    this.limits = limits;
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
    long perMinute = caller.identity() == null ? limits.anonymousPerMinute() : limits.perMinute();
    limiter.consume(caller.principal(), cost, perMinute);
  }

  /** The stricter budget of login and refresh attempts, per client IP and per username. */
  public void chargeLogin(Caller caller, String username) {
    limiter.consume("login:ip:" + caller.clientIp(), 1, limits.loginPerMinute());
    if (username != null && !username.isBlank()) {
      limiter.consume("login:user:" + username, 1, limits.loginPerMinute());
    }
  }
}
