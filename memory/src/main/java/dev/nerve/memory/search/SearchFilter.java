package dev.nerve.memory.search;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Which memories a search may return. Tenant and user always apply; empty agent/session match
 * every value; null bounds are open; ranges are half-open [from, to).
 *
 * @param tenantId tenant of the caller
 * @param userId user of the caller
 * @param agentId exact agent, empty for any
 * @param sessionId exact session, empty for any
 * @param tagsAny at least one of these tags (empty: no condition)
 * @param tagsAll all of these tags
 * @param metadataEquals top-level metadata keys and canonical JSON values that must match
 * @param createdFrom lower bound of createdAt
 * @param createdTo upper bound (exclusive) of createdAt
 * @param updatedFrom lower bound of updatedAt
 * @param updatedTo upper bound (exclusive) of updatedAt
 * @param includeExpired whether expired memories may be returned
 * @param now the instant expiry is judged at
 * @param occurredFrom lower bound of occurredAt
 * @param occurredTo upper bound (exclusive) of occurredAt
 */
public record SearchFilter(
    String tenantId,
    String userId,
    String agentId,
    String sessionId,
    List<String> tagsAny,
    List<String> tagsAll,
    Map<String, String> metadataEquals,
    Instant createdFrom,
    Instant createdTo,
    Instant updatedFrom,
    Instant updatedTo,
    boolean includeExpired,
    Instant now,
    Instant occurredFrom,
    Instant occurredTo) {

  /** A filter without an occurredAt range. */
  public SearchFilter(
      String tenantId,
      String userId,
      String agentId,
      String sessionId,
      List<String> tagsAny,
      List<String> tagsAll,
      Map<String, String> metadataEquals,
      Instant createdFrom,
      Instant createdTo,
      Instant updatedFrom,
      Instant updatedTo,
      boolean includeExpired,
      Instant now) {
    this(tenantId, userId, agentId, sessionId, tagsAny, tagsAll, metadataEquals, createdFrom, createdTo, updatedFrom, updatedTo, includeExpired, now, null, null);
  }

  /** Exactly one scope (agent and session as given, empty meaning empty), unexpired at now. */
  public static SearchFilter exactScope(
      String tenantId, String userId, String agentId, String sessionId, Instant now) {
    return new SearchFilter(
        tenantId, userId, agentId, sessionId, List.of(), List.of(), Map.of(), null, null, null, null, false, now);
  }
}
