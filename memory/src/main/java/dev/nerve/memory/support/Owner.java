package dev.nerve.memory.support;

import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.platform.identity.Identity;

/**
 * Whose data an operation touches: tenant and user always come from the caller's identity, agent
 * and session from the request's scope (empty meaning "shared" on writes, "any" on reads).
 *
 * @param tenantId tenant of the caller
 * @param userId user of the caller
 * @param agentId agent narrowing, empty for none
 * @param sessionId session narrowing, empty for none
 */
public record Owner(String tenantId, String userId, String agentId, String sessionId) {

  /** The caller narrowed by {@code scope}, validated against {@code inputs}. */
  public static Owner of(Identity identity, MemoryScope scope, Inputs inputs, String field) {
    return new Owner(
        identity.tenantId(),
        identity.userId(),
        inputs.optionalId(field + ".agentId", scope.getAgentId()),
        inputs.optionalId(field + ".sessionId", scope.getSessionId()));
  }

  /** The scope part, as sent back to clients. */
  public MemoryScope scope() {
    return MemoryScope.newBuilder().setAgentId(agentId).setSessionId(sessionId).build();
  }
}
