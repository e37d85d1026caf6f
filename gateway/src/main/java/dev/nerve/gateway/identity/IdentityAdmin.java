package dev.nerve.gateway.identity;

import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.security.Role;
import java.util.List;
import java.util.UUID;

/**
 * Identity administration in the caller's own tenant: every read and change is scoped to the
 * tenant of the current identity, so another tenant's users and keys are NOT_FOUND.
 */
final class IdentityAdmin {

  private final UserStore users;
  private final ApiKeys apiKeys;
  private final TokenService tokens;
  private final ActiveUsers active;

  IdentityAdmin(UserStore users, ApiKeys apiKeys, TokenService tokens, ActiveUsers active) {
    this.users = users;
    this.apiKeys = apiKeys;
    this.tokens = tokens;
    this.active = active;
  }

  Identity current() {
    return IdentityContext.require();
  }

  List<UserAccount> users() {
    return users.list(current().tenantId());
  }

  UserAccount createUser(IdentityInputs.NewUser user) {
    IdentityInputs.validate(user);
    return users.create(current().tenantId(), user.username(), user.password(), user.roles());
  }

  UserAccount disableUser(UUID id) {
    UserAccount account = users.setDisabled(current().tenantId(), id, true);
    tokens.logoutEverywhere(id);
    // Access tokens already issued stop working on every replica now, not when they expire.
    active.changed(id);
    return account;
  }

  List<ApiKeys.ApiKey> apiKeys() {
    return apiKeys.list(current().tenantId());
  }

  ApiKeys.Created createApiKey(IdentityInputs.NewApiKey key) {
    IdentityInputs.validate(key);
    Identity admin = current();
    // A key never holds more than its creator.
    Role creator = Role.highest(admin).orElse(Role.VIEWER);
    for (String role : key.roles()) {
      if (!creator.includes(Role.fromId(role).orElseThrow())) {
        throw dev.nerve.platform.error.NerveException.invalid("roles", "max", "cannot exceed your own role " + creator.id());
      }
    }
    return apiKeys.create(admin.tenantId(), key.name(), key.roles(), admin.userId());
  }

  ApiKeys.ApiKey revokeApiKey(UUID id) {
    return apiKeys.revoke(current().tenantId(), id);
  }
}
