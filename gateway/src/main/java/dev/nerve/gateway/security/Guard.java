package dev.nerve.gateway.security;

import dev.nerve.gateway.GatewayProperties;
import dev.nerve.gateway.ratelimit.RateLimitedException;
import dev.nerve.gateway.ratelimit.RateLimiter;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.security.Permission;
import dev.nerve.platform.settings.LiveSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
  private final MeterRegistry meters;
  // Per operation and decision; operations are the declared ones plus "login", so it stays small.
  private final Map<String, Counter> decisions = new ConcurrentHashMap<>();

  /**
   * @param settings live configuration of the rate limits ({@code null}: the static limits only)
   * @param meters where {@code nerve.gateway.ratelimit.decisions} counts by operation and decision
   */
  public Guard(RateLimiter limiter, GatewayProperties.RateLimit limits, LiveSettings settings, MeterRegistry meters) {
    this.limiter = limiter;
    this.limits = limits;
    this.settings = settings;
    this.meters = meters;
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

  /**
   * Takes {@code cost} from the caller's budget (per user/key, or per IP when anonymous) for
   * {@code operation}, counting the decision.
   */
  public void charge(Caller caller, String operation, long cost) {
    if (cost <= 0) {
      return;
    }
    long perMinute =
        caller.identity() == null
            ? live(null, "/rateLimits/anonymousPerMinute", limits.anonymousPerMinute())
            : live(caller.identity().tenantId(), "/rateLimits/perMinute", limits.perMinute());
    consume(operation, caller.principal(), cost, perMinute);
  }

  /**
   * One bucket operation, counted as {@code allowed}, {@code rejected} (over the limit) or {@code
   * unavailable} (Redis down and fail-closed; fail-open passes count as allowed, and in {@code
   * nerve.gateway.ratelimit.unavailable}).
   */
  private void consume(String operation, String key, long cost, long perMinute) {
    String decision = "allowed";
    try {
      limiter.consume(key, cost, perMinute);
    } catch (RateLimitedException e) {
      decision = "rejected";
      throw e;
    } catch (RuntimeException e) {
      decision = "unavailable";
      throw e;
    } finally {
      count(operation, decision);
    }
  }

  private void count(String operation, String decision) {
    decisions.computeIfAbsent(operation + " " + decision, ignored -> decisionCounter(operation, decision)).increment();
  }

  private Counter decisionCounter(String operation, String decision) {
    return Counter.builder("nerve.gateway.ratelimit.decisions")
        .description("Rate-limit decisions by operation: allowed, rejected (over the limit) or unavailable (Redis down, fail-closed)")
        .tag("operation", operation)
        .tag("decision", decision)
        .register(meters);
  }

  /**
   * The stricter budget of login and refresh attempts: per client IP, per username from that IP,
   * and a higher ceiling per username across all addresses. Attempts from one address can so never
   * lock a user out of logging in from another.
   */
  public void chargeLogin(Caller caller, String username) {
    long perIp = live(null, "/rateLimits/loginPerMinute", limits.loginPerMinute());
    consume("login", "login:ip:" + caller.clientIp(), 1, perIp);
    if (username != null && !username.isBlank()) {
      consume("login", "login:user-ip:" + username + "@" + caller.clientIp(), 1, perIp);
      consume(
          "login", "login:user:" + username, 1, live(null, "/rateLimits/loginPerUserPerMinute", limits.loginPerUserPerMinute()));
    }
  }

  private long live(String tenantId, String pointer, long fallback) {
    return settings == null ? fallback : settings.number(tenantId, pointer, fallback);
  }
}
