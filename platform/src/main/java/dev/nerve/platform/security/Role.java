package dev.nerve.platform.security;

import dev.nerve.platform.identity.Identity;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles a caller can hold in a tenant, ordered: each role has every permission of the roles
 * below it ({@code admin} > {@code operator} > {@code viewer}).
 */
public enum Role {
  /** Reads everything in the tenant. */
  VIEWER,
  /** Reads and changes the tenant's data: memories, workflows, models. */
  OPERATOR,
  /** Everything, including users, API keys, installation changes and the audit log. */
  ADMIN;

  /** Name as written in tokens and metadata. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a role name; empty for names Nerve does not know. */
  public static Optional<Role> fromId(String id) {
    return Arrays.stream(values()).filter(r -> r.id().equals(id)).findFirst();
  }

  /** The highest known role the identity holds, empty when it holds none. */
  public static Optional<Role> highest(Identity identity) {
    return identity.roles().stream()
        .map(Role::fromId)
        .flatMap(Optional::stream)
        .max(Enum::compareTo);
  }

  /** Whether this role includes {@code other}. */
  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }
}
