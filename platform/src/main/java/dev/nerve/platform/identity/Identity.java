package dev.nerve.platform.identity;

import java.util.Set;

/**
 * Who is calling and on behalf of which tenant; every service scopes its data by {@link
 * #tenantId()}.
 *
 * @param tenantId tenant the call acts in
 * @param userId user (or API key principal) making the call
 * @param roles roles granted to the caller in that tenant
 */
public record Identity(String tenantId, String userId, Set<String> roles) {

  public Identity {
    if (tenantId == null || tenantId.isBlank()) {
      throw new IllegalArgumentException("tenantId is required");
    }
    if (userId == null || userId.isBlank()) {
      throw new IllegalArgumentException("userId is required");
    }
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** Whether the caller holds the role. */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
