package dev.nerve.memory.support;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.platform.activity.ActivityRecorder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Memory as a producer of user activity: each long-term memory stored, updated or deleted is a row
 * in memory's activity outbox, written in the same transaction as the change, whose relay delivers
 * it to learning. The event carries the change's type and ids only, never the memory's text, tags
 * or metadata.
 */
public final class MemoryActivity {

  private final ActivityRecorder recorder;

  public MemoryActivity(ActivityRecorder recorder) {
    this.recorder = recorder;
  }

  /**
   * Records {@code type} ({@code memory.stored}, {@code memory.updated}, {@code memory.deleted})
   * of memory {@code id} at {@code version}, by the owner's user; call it inside the transaction of
   * the change. Changes with no user (none in practice) are not user activity and are skipped.
   */
  public void record(String type, Owner owner, String id, long version) {
    if (owner.userId() == null || owner.userId().isEmpty()) {
      return;
    }
    Struct.Builder attributes =
        Struct.newBuilder()
            .putFields("memoryId", Value.newBuilder().setStringValue(id).build())
            .putFields("version", Value.newBuilder().setNumberValue(version).build());
    if (owner.agentId() != null && !owner.agentId().isEmpty()) {
      attributes.putFields("agentId", Value.newBuilder().setStringValue(owner.agentId()).build());
    }
    String key = "memory/" + owner.tenantId() + "/" + id + "/" + version + "/" + type;
    recorder.record(
        owner.tenantId(),
        ActivityEvent.newBuilder()
            .setId(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString())
            .setUserId(owner.userId())
            .setType(type)
            .setAttributes(attributes)
            .build());
  }
}
