package dev.nerve.memory.shortterm;

import dev.nerve.memory.support.Owner;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Redis key layout of working memory: one list per (tenant, user, agent, session) holding the
 * items newest first, and one set per (tenant, user) naming the lists, so reads and clears over a
 * wider scope find every session without KEYS or SCAN.
 */
final class ShortTermKeys {

  private static final String PREFIX = "nerve:memory:stm:";

  private ShortTermKeys() {}

  /** The list holding one session's items. */
  static String items(Owner owner) {
    return PREFIX
        + "items:"
        + enc(owner.tenantId())
        + ':'
        + enc(owner.userId())
        + ':'
        + member(owner);
  }

  /** The key remembering what a request with {@code requestId} stored. */
  static String request(String tenantId, String userId, String requestId) {
    return PREFIX + "request:" + enc(tenantId) + ':' + enc(userId) + ':' + enc(requestId);
  }

  /** The set naming a user's session lists. */
  static String sessions(String tenantId, String userId) {
    return PREFIX + "sessions:" + enc(tenantId) + ':' + enc(userId);
  }

  /** How a session is named inside the user's set. */
  static String member(Owner owner) {
    return enc(owner.agentId()) + ':' + enc(owner.sessionId());
  }

  /** The owner of a session set member. */
  static Owner owner(String tenantId, String userId, String member) {
    int colon = member.indexOf(':');
    return new Owner(tenantId, userId, dec(member.substring(0, colon)), dec(member.substring(colon + 1)));
  }

  private static String enc(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace(":", "%3A");
  }

  private static String dec(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }
}
