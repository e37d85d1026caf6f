package dev.nerve.gateway.identity;

import dev.nerve.platform.identity.Identity;
import java.time.Instant;
import java.util.List;

/** Client-facing shapes of identity data, shared by GraphQL and REST. */
final class IdentityViews {

  private IdentityViews() {}

  /**
   * The caller.
   *
   * @param tenantId tenant the caller acts in
   * @param userId user id, {@code apikey:<id>} or {@code oidc:<sub>}
   * @param roles roles held
   */
  record Me(String tenantId, String userId, List<String> roles) {
    static Me of(Identity identity) {
      return new Me(identity.tenantId(), identity.userId(), identity.roles().stream().sorted().toList());
    }
  }

  /**
   * A user.
   *
   * @param id user id
   * @param username login name
   * @param roles roles in the tenant
   * @param disabled whether logins are refused
   * @param createdAt when created
   */
  record User(String id, String username, List<String> roles, boolean disabled, Instant createdAt) {
    static User of(UserAccount account) {
      return new User(
          account.id().toString(), account.username(), account.roles(), account.disabled(), account.createdAt());
    }
  }
}
