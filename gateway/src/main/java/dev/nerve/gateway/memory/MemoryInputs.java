package dev.nerve.gateway.memory;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MessageRole;
import dev.nerve.api.memory.v1.RankingWeights;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreShortTermItemRequest;
import dev.nerve.api.memory.v1.TimeRange;
import dev.nerve.api.memory.v1.UpdateContextRequest;
import dev.nerve.api.memory.v1.UpdateMemoryRequest;
import dev.nerve.gateway.memory.MemoryViews.Scope;
import dev.nerve.gateway.validation.JsonSchema;
import dev.nerve.platform.error.NerveException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Client inputs of the memory API (GraphQL input types and REST bodies) and their gRPC requests.
 * Free-form JSON components carry {@link JsonSchema} for REST; the GraphQL input types declare the
 * same schemas with {@code @jsonSchema} in memory.graphqls.
 */
final class MemoryInputs {

  private MemoryInputs() {}

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  static PageRequest page(Integer first, String after) {
    return PageRequest.newBuilder().setPageSize(first == null ? 0 : first).setCursor(after == null ? "" : after).build();
  }

  /** A long-term memory to store. */
  record StoreMemory(
      Scope scope,
      String text,
      List<String> tags,
      String source,
      Double importance,
      Instant expiresAt,
      @JsonSchema("memory-metadata") Object metadata,
      Boolean skipDeduplication) {
    StoreMemoryRequest proto() {
      StoreMemoryRequest.Builder r =
          StoreMemoryRequest.newBuilder()
              .setScope(Scope.proto(scope))
              .setText(text == null ? "" : text)
              .addAllTags(tags == null ? List.of() : tags)
              .setSource(source == null ? "" : source)
              .setMetadata(JsonValues.struct("metadata", metadata))
              .setSkipDeduplication(Boolean.TRUE.equals(skipDeduplication));
      if (importance != null) {
        r.setImportance(importance);
      }
      if (expiresAt != null) {
        r.setExpiresAt(timestamp(expiresAt));
      }
      return r.build();
    }
  }

  /** A half-open time range; null bounds are open. */
  record Range(Instant start, Instant end) {
    TimeRange proto() {
      TimeRange.Builder r = TimeRange.newBuilder();
      if (start != null) {
        r.setStart(timestamp(start));
      }
      if (end != null) {
        r.setEnd(timestamp(end));
      }
      return r.build();
    }
  }

  /** Ranking weights; null fields use the service defaults. */
  record Weights(Double keyword, Double vector, Double recency, Double importance) {
    RankingWeights proto() {
      RankingWeights.Builder w = RankingWeights.newBuilder();
      if (keyword != null) {
        w.setKeywordWeight(keyword);
      }
      if (vector != null) {
        w.setVectorWeight(vector);
      }
      if (recency != null) {
        w.setRecencyWeight(recency);
      }
      if (importance != null) {
        w.setImportanceWeight(importance);
      }
      return w.build();
    }
  }

  /** spec: SearchParams. */
  record Search(
      String query,
      Scope scope,
      List<String> tagsAny,
      List<String> tagsAll,
      @JsonSchema("memory-metadata-filter") Object metadataEquals,
      Range created,
      Range updated,
      Boolean includeExpired,
      Integer first,
      String after,
      Double minScore,
      Boolean explain,
      Weights weights) {
    SearchMemoriesRequest proto() {
      SearchMemoriesRequest.Builder r =
          SearchMemoriesRequest.newBuilder()
              .setQuery(query == null ? "" : query)
              .setScope(Scope.proto(scope))
              .addAllTagsAny(tagsAny == null ? List.of() : tagsAny)
              .addAllTagsAll(tagsAll == null ? List.of() : tagsAll)
              .setMetadataEquals(JsonValues.struct("metadataEquals", metadataEquals))
              .setIncludeExpired(Boolean.TRUE.equals(includeExpired))
              .setPage(page(first, after))
              .setMinScore(minScore == null ? 0 : minScore)
              .setExplain(Boolean.TRUE.equals(explain));
      if (created != null) {
        r.setCreated(created.proto());
      }
      if (updated != null) {
        r.setUpdated(updated.proto());
      }
      if (weights != null) {
        r.setWeights(weights.proto());
      }
      return r.build();
    }
  }

  /** Changes to a memory: every non-null field is changed. */
  record UpdateMemory(
      String text,
      List<String> tags,
      String source,
      Double importance,
      Instant expiresAt,
      @JsonSchema("memory-metadata") Object metadata,
      Scope scope,
      Long expectedVersion) {
    UpdateMemoryRequest proto(String id) {
      Memory.Builder m = Memory.newBuilder().setId(id);
      FieldMask.Builder mask = FieldMask.newBuilder();
      if (text != null) {
        m.setText(text);
        mask.addPaths("text");
      }
      if (tags != null) {
        m.addAllTags(tags);
        mask.addPaths("tags");
      }
      if (source != null) {
        m.setSource(source);
        mask.addPaths("source");
      }
      if (importance != null) {
        m.setImportance(importance);
        mask.addPaths("importance");
      }
      if (expiresAt != null) {
        m.setExpiresAt(timestamp(expiresAt));
        mask.addPaths("expires_at");
      }
      if (metadata != null) {
        m.setMetadata(JsonValues.struct("metadata", metadata));
        mask.addPaths("metadata");
      }
      if (scope != null) {
        m.setScope(Scope.proto(scope));
        mask.addPaths("scope");
      }
      UpdateMemoryRequest.Builder r = UpdateMemoryRequest.newBuilder().setMemory(m).setUpdateMask(mask);
      if (expectedVersion != null) {
        r.setExpectedVersion(expectedVersion);
      }
      return r.build();
    }
  }

  /** A short-term item to store; role is USER, ASSISTANT, SYSTEM or TOOL. */
  record StoreItem(
      Scope scope, String text, String role, @JsonSchema("memory-metadata") Object metadata, Double ttlSeconds) {
    StoreShortTermItemRequest proto() {
      StoreShortTermItemRequest.Builder r =
          StoreShortTermItemRequest.newBuilder()
              .setScope(Scope.proto(scope))
              .setText(text == null ? "" : text)
              .setRole(role(role))
              .setMetadata(JsonValues.struct("metadata", metadata));
      if (ttlSeconds != null) {
        r.setTtl(Durations.fromMillis(Math.round(ttlSeconds * 1000)));
      }
      return r.build();
    }

    private static MessageRole role(String role) {
      if (role == null || role.isBlank()) {
        return MessageRole.MESSAGE_ROLE_UNSPECIFIED;
      }
      try {
        return MessageRole.valueOf("MESSAGE_ROLE_" + role.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw NerveException.invalid("role", "enum", "must be USER, ASSISTANT, SYSTEM or TOOL");
      }
    }
  }

  /** spec: ContextData. A context to create or replace. */
  record ManageContext(
      String id,
      String kind,
      Scope scope,
      @JsonSchema("context-data") Object data,
      Integer tokenBudget,
      Double ttlSeconds,
      Long expectedVersion) {
    ManageContextRequest proto() {
      ManageContextRequest.Builder r =
          ManageContextRequest.newBuilder()
              .setId(id == null ? "" : id)
              .setKind(kind == null ? "" : kind)
              .setScope(Scope.proto(scope))
              .setData(JsonValues.struct("data", data))
              .setTokenBudget(tokenBudget == null ? 0 : tokenBudget);
      if (ttlSeconds != null) {
        r.setTtl(Durations.fromMillis(Math.round(ttlSeconds * 1000)));
      }
      if (expectedVersion != null) {
        r.setExpectedVersion(expectedVersion);
      }
      return r.build();
    }
  }

  /** A JSON Merge Patch for a context's data. */
  record UpdateContext(Object patch, Long expectedVersion) {
    UpdateContextRequest proto(String id) {
      UpdateContextRequest.Builder r =
          UpdateContextRequest.newBuilder().setId(id).setMergePatch(JsonValues.struct("patch", patch));
      if (expectedVersion != null) {
        r.setExpectedVersion(expectedVersion);
      }
      return r.build();
    }
  }
}
