package dev.nerve.memory.search;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the search index holds of one memory: enough to filter, rank and blend, never the system of
 * record (hits are read back from PostgreSQL).
 *
 * @param id memory id
 * @param tenantId owning tenant
 * @param userId owning user
 * @param agentId agent narrowing, empty for shared
 * @param sessionId session narrowing, empty for none
 * @param text searchable text
 * @param tags labels
 * @param metadata top-level metadata keys with their canonical JSON values
 * @param importance 0..1
 * @param createdAt first stored
 * @param updatedAt last changed
 * @param expiresAt expiry, null for never
 * @param model embedding model of {@code vector}
 * @param vector unit-length embedding
 * @param occurredAt when the remembered event happened
 * @param ordinal order of storing, ties between equal {@code occurredAt} broken by it
 */
public record IndexedMemory(
    String id,
    String tenantId,
    String userId,
    String agentId,
    String sessionId,
    String text,
    List<String> tags,
    Map<String, String> metadata,
    double importance,
    Instant createdAt,
    Instant updatedAt,
    Instant expiresAt,
    String model,
    float[] vector,
    Instant occurredAt,
    long ordinal) {

  /** A memory that occurred when it was created, without a storing order (tests, benchmarks). */
  public IndexedMemory(
      String id,
      String tenantId,
      String userId,
      String agentId,
      String sessionId,
      String text,
      List<String> tags,
      Map<String, String> metadata,
      double importance,
      Instant createdAt,
      Instant updatedAt,
      Instant expiresAt,
      String model,
      float[] vector) {
    this(id, tenantId, userId, agentId, sessionId, text, tags, metadata, importance, createdAt, updatedAt, expiresAt, model, vector, createdAt, 0);
  }
}
