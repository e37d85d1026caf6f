package dev.nerve.gateway.identity;

import dev.nerve.platform.identity.Identity;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A person who logs in with a password.
 *
 * @param id stable user id (the {@code sub} of their tokens)
 * @param tenantId tenant the user belongs to
 * @param username unique login name
 * @param roles roles in the tenant
 * @param disabled whether logins and refreshes are refused
 * @param createdAt when the user was created
 */
public record UserAccount(
    UUID id, String tenantId, String username, List<String> roles, boolean disabled, Instant createdAt) {

  /** The identity this user acts as. */
  public Identity identity() {
    return new Identity(tenantId, id.toString(), Set.copyOf(roles));
  }
}
