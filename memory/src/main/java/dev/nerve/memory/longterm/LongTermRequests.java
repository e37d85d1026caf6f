package dev.nerve.memory.longterm;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.nerve.api.memory.v1.DedupeMode;
import dev.nerve.api.memory.v1.RankingWeights;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.TimeRange;
import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.Json;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.PageCursor;
import dev.nerve.memory.support.Times;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.settings.LiveSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns long-term requests into validated domain values; every rule names the offending field. */
final class LongTermRequests {

  static final int MAX_RETRIEVE = 100;
  static final int MAX_PAGE = 500;
  static final double MAX_WEIGHT = 100;
  static final java.time.Duration MAX_FUTURE = java.time.Duration.ofDays(1);

  private final Inputs inputs;
  private final MemoryProperties.LongTerm defaults;
  private final LiveSettings settings;

  /**
   * @param defaults the search weights used when a request gives none
   * @param settings the saved configuration, whose {@code /memory/search/*} (per tenant) override
   *     {@code defaults} at once when saved; null uses {@code defaults} only
   */
  LongTermRequests(Inputs inputs, MemoryProperties.LongTerm defaults, LiveSettings settings) {
    this.inputs = inputs;
    this.defaults = defaults;
    this.settings = settings;
  }

  LongTermMemories.Draft draft(Identity identity, StoreMemoryRequest request) {
    Owner owner = Owner.of(identity, request.getScope(), inputs, "scope");
    String text = inputs.text("text", request.getText());
    List<String> tags = inputs.tags("tags", request.getTagsList());
    String source = inputs.label("source", request.getSource());
    double importance =
        request.hasImportance() ? Inputs.range("importance", request.getImportance(), 0, 1) : 0.5;
    Instant expiresAt = request.hasExpiresAt() ? instant("expiresAt", request.getExpiresAt()) : null;
    inputs.json("metadata", request.getMetadata());
    DedupePolicy dedupe = dedupe(request);
    Instant occurredAt = request.hasOccurredAt() ? requiredOccurredAt("occurredAt", request.getOccurredAt()) : null;
    String requestId = inputs.label("requestId", request.getRequestId());
    return new LongTermMemories.Draft(
        owner, text, tags, source, importance, expiresAt, request.getMetadata(), dedupe, occurredAt, requestId);
  }

  /** The dedupe policy of a store: skip_deduplication or dedupe, EXACT when neither is set. */
  private DedupePolicy dedupe(StoreMemoryRequest request) {
    DedupeMode mode = request.getDedupe().getMode();
    if (mode == DedupeMode.UNRECOGNIZED) {
      throw NerveException.invalid("dedupe.mode", "enum", "must be OFF, EXACT or SEMANTIC");
    }
    if (request.getSkipDeduplication() && mode != DedupeMode.DEDUPE_MODE_UNSPECIFIED && mode != DedupeMode.DEDUPE_MODE_OFF) {
      throw NerveException.invalid("skipDeduplication", "conflict", "cannot be set together with dedupe.mode " + mode.name().substring(12));
    }
    if (request.getDedupe().hasThreshold()) {
      if (mode != DedupeMode.DEDUPE_MODE_SEMANTIC) {
        throw NerveException.invalid("dedupe.threshold", "conflict", "applies only to dedupe.mode SEMANTIC");
      }
      double threshold = request.getDedupe().getThreshold();
      if (Double.isNaN(threshold) || threshold <= 0 || threshold > 1) {
        throw NerveException.invalid("dedupe.threshold", "range", "must be above 0 and at most 1");
      }
    }
    if (request.getSkipDeduplication() || mode == DedupeMode.DEDUPE_MODE_OFF) {
      return DedupePolicy.OFF;
    }
    if (mode == DedupeMode.DEDUPE_MODE_SEMANTIC) {
      return DedupePolicy.semantic(
          request.getDedupe().hasThreshold() ? request.getDedupe().getThreshold() : defaults.dedupeThreshold());
    }
    return DedupePolicy.EXACT;
  }

  /**
   * A given event time: a valid timestamp no more than {@link #MAX_FUTURE} ahead of the server's
   * clock (history is imported with its time; the future is not remembered).
   */
  Instant requiredOccurredAt(String field, Timestamp timestamp) {
    if (timestamp == null) {
      throw NerveException.invalid(field, "required", "must be set when the update mask names it");
    }
    Instant at = instant(field, timestamp);
    if (at.isAfter(Instant.now().plus(MAX_FUTURE))) {
      throw NerveException.invalid(field, "range", "must not lie more than a day in the future");
    }
    return at;
  }

  MemorySearch.Query search(Identity identity, SearchMemoriesRequest request) {
    Owner scope = Owner.of(identity, request.getScope(), inputs, "scope");
    String query = inputs.boundedText("query", request.getQuery());
    List<String> tagsAny = inputs.tags("tagsAny", request.getTagsAnyList());
    List<String> tagsAll = inputs.tags("tagsAll", request.getTagsAllList());
    inputs.json("metadataEquals", request.getMetadataEquals());
    Map<String, String> metadata = new LinkedHashMap<>();
    request.getMetadataEquals().getFieldsMap().forEach((k, v) -> metadata.put(k, Json.canonical(v)));
    Instant[] created = range("created", request.hasCreated() ? request.getCreated() : null);
    Instant[] updated = range("updated", request.hasUpdated() ? request.getUpdated() : null);
    Instant[] occurred = range("occurred", request.hasOccurred() ? request.getOccurred() : null);
    int limit = Inputs.limit("page.pageSize", request.getPage().getPageSize(), 50, MAX_PAGE);
    if (Double.isNaN(request.getMinScore()) || request.getMinScore() < 0 || request.getMinScore() > 1) {
      throw NerveException.invalid("minScore", "range", "must be between 0 and 1");
    }
    HybridSearcher.Weights weights = weights(identity.tenantId(), request.getWeights());
    if (!query.isBlank() && weights.keyword() == 0 && weights.vector() == 0) {
      throw NerveException.invalid(
          "weights", "required", "keywordWeight and vectorWeight cannot both be 0 for a query");
    }
    PageCursor cursor = null;
    Instant now = Instant.now();
    if (!request.getPage().getCursor().isEmpty()) {
      cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 7);
      MemorySearch.checkCursor(cursor, query.isBlank());
      now = Instant.ofEpochMilli(cursor.number("page.cursor", 1));
    }
    SearchFilter filter =
        new SearchFilter(
            scope.tenantId(),
            scope.userId(),
            scope.agentId(),
            scope.sessionId(),
            tagsAny,
            tagsAll,
            metadata,
            created[0],
            created[1],
            updated[0],
            updated[1],
            request.getIncludeExpired(),
            now,
            occurred[0],
            occurred[1]);
    return new MemorySearch.Query(filter, query, weights, limit, cursor, request.getMinScore(), request.getExplain());
  }

  MemorySearch.Query retrieve(Identity identity, dev.nerve.api.memory.v1.RetrieveMemoriesRequest request) {
    Owner scope = Owner.of(identity, request.getScope(), inputs, "scope");
    String query = inputs.text("query", request.getQuery());
    int limit = Inputs.limit("limit", request.getLimit(), 10, MAX_RETRIEVE);
    SearchFilter filter =
        new SearchFilter(
            scope.tenantId(), scope.userId(), scope.agentId(), scope.sessionId(), List.of(), List.of(), Map.of(),
            null, null, null, null, false, Instant.now());
    return new MemorySearch.Query(filter, query, weights(scope.tenantId(), RankingWeights.getDefaultInstance()), limit, null, 0, false);
  }

  HybridSearcher.Weights weights(String tenantId, RankingWeights w) {
    return new HybridSearcher.Weights(
        w.hasKeywordWeight()
            ? weight("weights.keywordWeight", w.getKeywordWeight())
            : saved(tenantId, "keywordWeight", defaults.keywordWeight()),
        w.hasVectorWeight()
            ? weight("weights.vectorWeight", w.getVectorWeight())
            : saved(tenantId, "vectorWeight", defaults.vectorWeight()),
        w.hasRecencyWeight()
            ? weight("weights.recencyWeight", w.getRecencyWeight())
            : saved(tenantId, "recencyWeight", defaults.recencyWeight()),
        w.hasImportanceWeight()
            ? weight("weights.importanceWeight", w.getImportanceWeight())
            : saved(tenantId, "importanceWeight", defaults.importanceWeight()));
  }

  private double saved(String tenantId, String name, double fallback) {
    return settings == null ? fallback : settings.decimal(tenantId, "/memory/search/" + name, fallback);
  }

  Struct metadata(String field, Struct metadata) {
    inputs.json(field, metadata);
    return metadata;
  }

  Inputs inputs() {
    return inputs;
  }

  static Instant instant(String field, Timestamp timestamp) {
    if (!Timestamps.isValid(timestamp)) {
      throw NerveException.invalid(field, "format", "is not a valid timestamp");
    }
    return Times.instant(timestamp);
  }

  private static double weight(String field, double value) {
    return Inputs.range(field, value, 0, MAX_WEIGHT);
  }

  private static Instant[] range(String field, TimeRange range) {
    if (range == null) {
      return new Instant[2];
    }
    Instant start = range.hasStart() ? instant(field + ".start", range.getStart()) : null;
    Instant end = range.hasEnd() ? instant(field + ".end", range.getEnd()) : null;
    if (start != null && end != null && !start.isBefore(end)) {
      throw NerveException.invalid(field, "order", "start must be before end");
    }
    return new Instant[] {start, end};
  }
}
