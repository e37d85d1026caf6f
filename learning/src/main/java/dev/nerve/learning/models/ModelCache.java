package dev.nerve.learning.models;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.nerve.api.learning.v1.ModelVersion;
import dev.nerve.learning.support.LearningEvents;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tribuo.protos.core.ModelProto;

/**
 * Per-replica caches of prediction: deserialized model versions (least recently used beyond the
 * configured size; versions are immutable, so an entry never goes stale) and each model's active
 * version. Activation, roll back and deletion announce themselves on {@link LearningEvents}, and
 * every replica drops its active-version entry, so the next prediction anywhere uses the new
 * version; entries also expire after {@link #ACTIVE_TTL_MILLIS} in case a message was lost.
 */
final class ModelCache {

  /** Longest time an active-version entry is trusted without a message. */
  static final long ACTIVE_TTL_MILLIS = 30_000;

  private record Active(long version, long expiresAt) {}

  private final ModelRepository repository;
  private final Map<String, LoadedModel> loaded;
  private final Map<String, Active> active = new ConcurrentHashMap<>();

  ModelCache(ModelRepository repository, int size, LearningEvents events) {
    this.repository = repository;
    this.loaded =
        java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, LoadedModel> eldest) {
                return size() > Math.max(1, size);
              }
            });
    events.listen(this::onEvent);
  }

  /** Message announcing that a model's active version changed (or the model was deleted). */
  static String changed(String tenantId, String modelId) {
    return "model\u001f" + tenantId + "\u001f" + modelId;
  }

  private void onEvent(String message) {
    if (message.startsWith("model\u001f")) {
      String[] parts = message.split("\u001f", 3);
      if (parts.length == 3) {
        forget(parts[1], parts[2]);
      }
    }
  }

  /** Drops what this replica knows about a model's active version (and, when deleted, its versions). */
  void forget(String tenantId, String modelId) {
    active.remove(tenantId + "\u0000" + modelId);
    String prefix = tenantId + "\u0000" + modelId + "\u0000";
    synchronized (loaded) {
      if (repository.model(tenantId, modelId).isEmpty()) {
        loaded.keySet().removeIf(k -> k.startsWith(prefix));
      }
    }
  }

  /** The active version of a model: NOT_FOUND when unknown, FAILED_PRECONDITION before its first version. */
  long activeVersion(String tenantId, String modelId) {
    String key = tenantId + "\u0000" + modelId;
    Active entry = active.get(key);
    long now = System.currentTimeMillis();
    if (entry != null && entry.expiresAt() > now) {
      return entry.version();
    }
    ModelRepository.ModelRow row = repository.model(tenantId, modelId).orElseThrow(() -> NerveException.notFound("model", modelId));
    if (row.activeVersion() == 0) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "model '" + modelId + "' has no trained version yet");
    }
    active.put(key, new Active(row.activeVersion(), now + ACTIVE_TTL_MILLIS));
    return row.activeVersion();
  }

  /** A version ready to predict; NOT_FOUND when the model has no such version. */
  LoadedModel version(String tenantId, String modelId, long version) {
    String key = tenantId + "\u0000" + modelId + "\u0000" + version;
    LoadedModel model = loaded.get(key);
    if (model != null) {
      return model;
    }
    ModelVersion info =
        repository.version(tenantId, modelId, version).orElseThrow(() -> NerveException.notFound("model version", modelId + "@" + version));
    byte[] bytes = repository.modelBytes(tenantId, modelId, version).orElseThrow();
    ModelRepository.ModelRow row = repository.model(tenantId, modelId).orElseThrow(() -> NerveException.notFound("model", modelId));
    LoadedModel fresh = new LoadedModel(info, deserialize(bytes), new FeatureEncoder(info.getFeatureSchemaList()), row.taskType());
    loaded.put(key, fresh);
    return fresh;
  }

  /** A model in Tribuo's protobuf format. */
  static org.tribuo.Model<?> deserialize(byte[] bytes) {
    try {
      return org.tribuo.Model.deserialize(ModelProto.parseFrom(bytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("unreadable model", e);
    }
  }
}
