package dev.nerve.gateway.call;

import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;

/**
 * The identity a gateway request acts as: the authenticated caller, which the gateway's HTTP
 * filter (REST) or GraphQL guard (GraphQL fields and subscriptions) attached to the gRPC context.
 * A request without one never reaches a service: the call fails with UNAUTHENTICATED.
 */
public final class CallerIdentity {

  /** Identity of the current request. */
  public Identity current() {
    return IdentityContext.require();
  }
}
