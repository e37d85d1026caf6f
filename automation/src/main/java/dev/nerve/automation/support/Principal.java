package dev.nerve.automation.support;

import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * On whose behalf automation work runs: the tenant and user that started it and their roles,
 * stored with every execution and task so steps call other services as that user.
 *
 * @param tenantId tenant
 * @param userId user (or API key principal)
 * @param roles roles, comma separated as stored
 */
public record Principal(String tenantId, String userId, String roles) {

  /** The caller of the current RPC. */
  public static Principal caller() {
    return of(IdentityContext.require());
  }

  public static Principal of(Identity identity) {
    return new Principal(identity.tenantId(), identity.userId(), String.join(",", new TreeSet<>(identity.roles())));
  }

  /** The identity steps act as. */
  public Identity identity() {
    Set<String> set =
        roles == null || roles.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(roles.split(",")));
    return new Identity(tenantId, userId, set);
  }
}
