package dev.nerve.platform.security;

import dev.nerve.platform.identity.Identity;
import java.util.Locale;
import java.util.Optional;

/**
 * What an operation requires. Every GraphQL field, REST route and gRPC method is assigned one
 * (the {@code (nerve.common.v1.operation)} option of each RPC, read by {@link RpcOperation}); docs/security.md lists
 * them all.
 */
public enum Permission {
  /** Anyone, even unauthenticated (login, token refresh, JWKS). */
  PUBLIC(null),
  /** Any authenticated caller (own session, heartbeat). */
  SESSION(Role.VIEWER),
  INSTALLATION_READ(Role.VIEWER),
  INSTALLATION_ADMIN(Role.ADMIN),
  MEMORY_READ(Role.VIEWER),
  MEMORY_WRITE(Role.OPERATOR),
  MEMORY_ADMIN(Role.ADMIN),
  SDK_READ(Role.VIEWER),
  SDK_CALL(Role.OPERATOR),
  SDK_ADMIN(Role.ADMIN),
  AUTOMATION_READ(Role.VIEWER),
  AUTOMATION_WRITE(Role.OPERATOR),
  LEARNING_READ(Role.VIEWER),
  LEARNING_WRITE(Role.OPERATOR),
  /** Users, API keys and signing keys of the tenant. */
  IDENTITY_ADMIN(Role.ADMIN),
  /** The tenant's audit log. */
  AUDIT_READ(Role.ADMIN);

  private final Role minimum;

  Permission(Role minimum) {
    this.minimum = minimum;
  }

  /** Lowest role that has this permission; empty for {@link #PUBLIC}. */
  public Optional<Role> minimum() {
    return Optional.ofNullable(minimum);
  }

  /** Permission id as documented, e.g. {@code memory.write}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The permission with a documented id such as {@code memory.write}. */
  public static Optional<Permission> fromId(String id) {
    for (Permission p : values()) {
      if (p.id().equals(id)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Whether an authenticated caller holds this permission. */
  public boolean grantedTo(Identity identity) {
    if (minimum == null) {
      return true;
    }
    return Role.highest(identity).map(role -> role.includes(minimum)).orElse(false);
  }
}
