package dev.nerve.memory.longterm;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.memory.longterm.LongTermMemories.Draft;
import dev.nerve.memory.search.TextKey;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * How a stored draft is folded into an existing memory, and when it may be: the rules behind the
 * DEDUPLICATED_EXACT and DEDUPLICATED_UPDATED outcomes of the contract. Every merge writes a new
 * version, so what it replaced stays in the memory's history.
 */
final class MemoryMerge {

  private MemoryMerge() {}

  /**
   * Whether the draft says the same as {@code existing}: equal normalized text, no metadata key
   * with another value, and no other event time. Two turns "Bye!" said at different times, or
   * with different turn ids in their metadata, are two memories.
   */
  static boolean sameContent(MemoryRow existing, Draft draft) {
    if (!TextKey.same(existing.text(), draft.text())) {
      return false;
    }
    if (draft.occurredAt() != null && !draft.occurredAt().equals(existing.occurredAt())) {
      return false;
    }
    Map<String, Value> old = existing.metadata().getFieldsMap();
    for (Map.Entry<String, Value> entry : draft.metadata().getFieldsMap().entrySet()) {
      Value before = old.get(entry.getKey());
      if (before != null && !before.equals(entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** How many of the draft's metadata keys the existing memory has with the same value. */
  static int agreeingMetadata(MemoryRow existing, Draft draft) {
    Map<String, Value> old = existing.metadata().getFieldsMap();
    int agreeing = 0;
    for (Map.Entry<String, Value> entry : draft.metadata().getFieldsMap().entrySet()) {
      if (entry.getValue().equals(old.get(entry.getKey()))) {
        agreeing++;
      }
    }
    return agreeing;
  }

  /** The existing memory refreshed by a draft with the same content: its text is kept. */
  static MemoryRow exact(MemoryRow old, Draft draft, Instant now) {
    return new MemoryRow(
        old.id(),
        old.owner(),
        old.text(),
        tags(old, draft),
        draft.source().isEmpty() ? old.source() : draft.source(),
        Math.max(old.importance(), draft.importance()),
        expiry(old, draft),
        metadata(old, draft),
        old.version() + 1,
        old.createdAt(),
        now,
        old.model(),
        old.dimension(),
        old.vector(),
        old.occurredAt(),
        old.ordinal());
  }

  /** The existing memory taking a similar draft's text (semantic dedupe, asked for per store). */
  static MemoryRow similar(MemoryRow old, Draft draft, String model, float[] vector, Instant now) {
    return new MemoryRow(
        old.id(),
        old.owner(),
        draft.text(),
        tags(old, draft),
        draft.source().isEmpty() ? old.source() : draft.source(),
        Math.max(old.importance(), draft.importance()),
        expiry(old, draft),
        metadata(old, draft),
        old.version() + 1,
        old.createdAt(),
        now,
        model,
        vector.length,
        vector,
        draft.occurredAt() == null ? old.occurredAt() : draft.occurredAt(),
        old.ordinal());
  }

  private static List<String> tags(MemoryRow old, Draft draft) {
    LinkedHashSet<String> tags = new LinkedHashSet<>(old.tags());
    tags.addAll(draft.tags());
    return List.copyOf(tags);
  }

  private static Struct metadata(MemoryRow old, Draft draft) {
    return old.metadata().toBuilder().putAllFields(draft.metadata().getFieldsMap()).build();
  }

  private static Instant expiry(MemoryRow old, Draft draft) {
    return old.expiresAt() == null || draft.expiresAt() == null
        ? null
        : (old.expiresAt().isAfter(draft.expiresAt()) ? old.expiresAt() : draft.expiresAt());
  }
}
