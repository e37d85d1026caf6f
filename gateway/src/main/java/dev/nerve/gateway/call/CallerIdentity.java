package dev.nerve.gateway.call;

import dev.nerve.platform.identity.Identity;
import java.util.Set;

/**
 * Resolves the identity a gateway request acts as. Until authentication is enabled every request
 * acts as the anonymous viewer of the configured default tenant.
 */
public final class CallerIdentity {

  private final Identity anonymous;

  public CallerIdentity(String defaultTenant) {
    this.anonymous = new Identity(defaultTenant, "anonymous", Set.of("viewer"));
  }

  /** Identity of the current request. */
  public Identity current() {
    return anonymous;
  }
}
