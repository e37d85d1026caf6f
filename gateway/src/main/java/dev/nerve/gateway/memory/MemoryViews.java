package dev.nerve.gateway.memory;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.memory.v1.ClearShortTermItemsResponse;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ForgetUserResponse;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.RebuildMemoryIndexResponse;
import dev.nerve.api.memory.v1.ScoreExplanation;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.ShortTermHit;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Client-facing shapes of memory results, shared by GraphQL and REST. */
final class MemoryViews {

  private MemoryViews() {}

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  static Instant optionalInstant(boolean present, Timestamp timestamp) {
    return present ? instant(timestamp) : null;
  }

  /**
   * Agent and session narrowing.
   *
   * @param agentId agent, null or empty for none
   * @param sessionId session, null or empty for none
   */
  record Scope(String agentId, String sessionId) {
    static Scope of(MemoryScope scope) {
      return new Scope(scope.getAgentId(), scope.getSessionId());
    }

    static MemoryScope proto(Scope scope) {
      if (scope == null) {
        return MemoryScope.getDefaultInstance();
      }
      return MemoryScope.newBuilder()
          .setAgentId(scope.agentId() == null ? "" : scope.agentId())
          .setSessionId(scope.sessionId() == null ? "" : scope.sessionId())
          .build();
    }
  }

  /**
   * Where a page ended.
   *
   * @param hasNextPage whether more items follow
   * @param endCursor cursor for the next page, null on the last page
   */
  record Page(boolean hasNextPage, String endCursor) {
    static Page of(PageInfo info) {
      return new Page(info.getHasNextPage(), info.getNextCursor().isEmpty() ? null : info.getNextCursor());
    }
  }

  /** A long-term memory (fields as in nerve.memory.v1.Memory). */
  record MemoryView(
      String id,
      Scope scope,
      String text,
      List<String> tags,
      String source,
      double importance,
      Instant expiresAt,
      Map<String, Object> metadata,
      long version,
      Instant createdAt,
      Instant updatedAt,
      String embeddingModel,
      int embeddingDimension) {
    static MemoryView of(Memory m) {
      return new MemoryView(
          m.getId(),
          Scope.of(m.getScope()),
          m.getText(),
          List.copyOf(m.getTagsList()),
          m.getSource(),
          m.getImportance(),
          optionalInstant(m.hasExpiresAt(), m.getExpiresAt()),
          JsonValues.map(m.getMetadata()),
          m.getVersion(),
          instant(m.getCreatedAt()),
          instant(m.getUpdatedAt()),
          m.getEmbeddingModel(),
          m.getEmbeddingDimension());
    }
  }

  /** What a store did: CREATED or DEDUPLICATED_UPDATED, and the memory as stored. */
  record StoreResult(MemoryView memory, String outcome, String existingMemoryId) {
    static StoreResult of(StoreMemoryResponse r) {
      return new StoreResult(
          MemoryView.of(r.getMemory()),
          r.getOutcome() == StoreOutcome.STORE_OUTCOME_DEDUPLICATED_UPDATED ? "DEDUPLICATED_UPDATED" : "CREATED",
          r.getExistingMemoryId().isEmpty() ? null : r.getExistingMemoryId());
    }
  }

  /** Score components of a hit. */
  record Explanation(
      double bm25Score, int bm25Rank, double vectorSimilarity, int vectorRank, double rrfScore, double recency, double importance) {
    static Explanation of(ScoreExplanation e) {
      return new Explanation(
          e.getBm25Score(), e.getBm25Rank(), e.getVectorSimilarity(), e.getVectorRank(), e.getRrfScore(), e.getRecency(), e.getImportance());
    }
  }

  /** One memory found, its score and (when asked) its explanation. */
  record Hit(MemoryView memory, double score, Explanation explanation) {
    static Hit of(SearchHit h) {
      return new Hit(MemoryView.of(h.getMemory()), h.getScore(), h.hasExplanation() ? Explanation.of(h.getExplanation()) : null);
    }
  }

  /** A page of hits. */
  record SearchPage(List<Hit> hits, Page pageInfo, long totalCandidates) {
    static SearchPage of(SearchResult r) {
      return new SearchPage(r.getHitsList().stream().map(Hit::of).toList(), Page.of(r.getPageInfo()), r.getTotalCandidates());
    }
  }

  /** A page of memories or versions. */
  record MemoryPage(List<MemoryView> items, Page pageInfo) {}

  /** A short-term item. */
  record Item(
      String id, Scope scope, String text, String role, Map<String, Object> metadata, Instant createdAt, Instant expiresAt) {
    static Item of(ShortTermItem i) {
      return new Item(
          i.getId(),
          Scope.of(i.getScope()),
          i.getText(),
          i.getRole().name().replace("MESSAGE_ROLE_", ""),
          JsonValues.map(i.getMetadata()),
          instant(i.getCreatedAt()),
          instant(i.getExpiresAt()));
    }
  }

  /** A short-term item and its score. */
  record ItemHit(Item item, double score) {
    static ItemHit of(ShortTermHit h) {
      return new ItemHit(Item.of(h.getItem()), h.getScore());
    }
  }

  /** What a clear did. */
  record ClearResult(long clearedCount, long promotedCount, long deduplicatedCount) {
    static ClearResult of(ClearShortTermItemsResponse r) {
      return new ClearResult(r.getClearedCount(), r.getPromotedCount(), r.getDeduplicatedCount());
    }
  }

  /** A context (fields as in nerve.memory.v1.Context); ttlSeconds null when it never expires. */
  record ContextView(
      String id,
      String kind,
      Scope scope,
      Map<String, Object> data,
      int tokenBudget,
      int tokenCount,
      Double ttlSeconds,
      Instant expiresAt,
      long version,
      Instant createdAt,
      Instant updatedAt) {
    static ContextView of(Context c) {
      return new ContextView(
          c.getId(),
          c.getKind(),
          Scope.of(c.getScope()),
          JsonValues.map(c.getData()),
          c.getTokenBudget(),
          c.getTokenCount(),
          c.hasTtl() ? Durations.toMillis(c.getTtl()) / 1000.0 : null,
          optionalInstant(c.hasExpiresAt(), c.getExpiresAt()),
          c.getVersion(),
          instant(c.getCreatedAt()),
          instant(c.getUpdatedAt()));
    }
  }

  /** A page of contexts or context versions. */
  record ContextPage(List<ContextView> items, Page pageInfo) {}

  /** Confirmation of a delete. */
  record Deleted(String id, Instant deletedAt) {}

  /** What forget-user erased. */
  record Forgotten(
      String userId, long memoriesDeleted, long versionsDeleted, long shortTermItemsDeleted, long contextsDeleted, Instant forgottenAt) {
    static Forgotten of(ForgetUserResponse r) {
      return new Forgotten(
          r.getUserId(),
          r.getMemoriesDeleted(),
          r.getVersionsDeleted(),
          r.getShortTermItemsDeleted(),
          r.getContextsDeleted(),
          instant(r.getForgottenAt()));
    }
  }

  /** What an index rebuild did. */
  record Rebuilt(long memoriesIndexed, String embeddingModel, int embeddingDimension, double durationMs) {
    static Rebuilt of(RebuildMemoryIndexResponse r) {
      return new Rebuilt(
          r.getMemoriesIndexed(), r.getEmbeddingModel(), r.getEmbeddingDimension(), Durations.toNanos(r.getDuration()) / 1e6);
    }
  }
}
