package dev.nerve.memory.longterm;

import com.google.protobuf.Struct;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.memory.search.IndexedMemory;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.Times;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version of a long-term memory as stored in PostgreSQL.
 *
 * @param id memory id
 * @param owner tenant, user, agent and session
 * @param text content
 * @param tags labels
 * @param source origin label
 * @param importance 0..1
 * @param expiresAt expiry, null for never
 * @param metadata free-form JSON object
 * @param version version number
 * @param createdAt first stored
 * @param updatedAt this version written
 * @param model embedding model
 * @param dimension embedding dimension
 * @param vector unit-length embedding (null when not loaded)
 * @param occurredAt when the remembered event happened
 * @param ordinal storing order (0 until PostgreSQL assigned it, and in version rows)
 */
record MemoryRow(
    String id,
    Owner owner,
    String text,
    List<String> tags,
    String source,
    double importance,
    Instant expiresAt,
    Struct metadata,
    long version,
    Instant createdAt,
    Instant updatedAt,
    String model,
    int dimension,
    float[] vector,
    Instant occurredAt,
    long ordinal) {

  boolean expired(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }

  Memory toProto() {
    Memory.Builder memory =
        Memory.newBuilder()
            .setId(id)
            .setScope(owner.scope())
            .setText(text)
            .addAllTags(tags)
            .setSource(source)
            .setImportance(importance)
            .setMetadata(metadata)
            .setVersion(version)
            .setCreatedAt(Times.proto(createdAt))
            .setUpdatedAt(Times.proto(updatedAt))
            .setEmbeddingModel(model)
            .setEmbeddingDimension(dimension)
            .setOccurredAt(Times.proto(occurredAt));
    if (expiresAt != null) {
      memory.setExpiresAt(Times.proto(expiresAt));
    }
    return memory.build();
  }

  IndexedMemory indexed() {
    Map<String, String> meta = new LinkedHashMap<>();
    metadata.getFieldsMap().forEach((key, value) -> meta.put(key, Json.canonical(value)));
    return new IndexedMemory(
        id,
        owner.tenantId(),
        owner.userId(),
        owner.agentId(),
        owner.sessionId(),
        text,
        tags,
        meta,
        importance,
        createdAt,
        updatedAt,
        expiresAt,
        model,
        vector,
        occurredAt,
        ordinal);
  }
}
