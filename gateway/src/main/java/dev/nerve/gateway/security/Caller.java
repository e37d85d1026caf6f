package dev.nerve.gateway.security;

import dev.nerve.platform.identity.Identity;
import java.util.Optional;

/**
 * Who sent a gateway request: the authenticated identity, if any, and the client address that
 * unauthenticated requests are budgeted by.
 *
 * @param identity the authenticated identity; null for anonymous requests
 * @param principal rate-limit and audit key: {@code user:<id>}, {@code key:<id>} or {@code ip:<addr>}
 * @param clientIp the client's address
 */
public record Caller(Identity identity, String principal, String clientIp) {

  /** Request attribute (HTTP) and session attribute (WebSocket) holding the caller. */
  public static final String ATTRIBUTE = Caller.class.getName();

  /** An unauthenticated caller from {@code clientIp}. */
  public static Caller anonymous(String clientIp) {
    return new Caller(null, "ip:" + clientIp, clientIp);
  }

  /** An authenticated caller. */
  public static Caller of(Identity identity, String clientIp) {
    String id = identity.userId();
    String principal = id.startsWith("apikey:") ? "key:" + id.substring(7) : "user:" + id;
    return new Caller(identity, principal, clientIp);
  }

  public Optional<Identity> authenticated() {
    return Optional.ofNullable(identity);
  }
}
