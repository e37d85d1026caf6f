package dev.nerve.memory.shortterm;

import dev.nerve.api.memory.v1.ClearShortTermItemsResponse;
import dev.nerve.api.memory.v1.MessageRole;
import dev.nerve.api.memory.v1.ShortTermHit;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.Times;
import com.google.protobuf.Struct;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** Working memory operations: store, retrieve, clear (optionally promoting), forget a user. */
public final class ShortTermMemory {

  private final ShortTermStore store;
  private final ShortTermRanker ranker;
  private final MemoryProperties.ShortTerm settings;

  ShortTermMemory(ShortTermStore store, MemoryProperties.ShortTerm settings) {
    this.store = store;
    this.ranker = new ShortTermRanker(settings.recencyHalfLife(), settings.recencyWeight());
    this.settings = settings;
  }

  ShortTermItem store(Owner owner, String text, MessageRole role, Struct metadata, Duration ttl) {
    return store(owner, text, role, metadata, ttl, null, null);
  }

  /**
   * Stores an item; with a request id, a repeated request returns the item stored the first time.
   *
   * @param requestId the call's request id, null without one
   * @param requestHash hash of the request (see {@code IdempotencyKeys.hash})
   */
  ShortTermItem store(
      Owner owner, String text, MessageRole role, Struct metadata, Duration ttl, String requestId, String requestHash) {
    Instant now = Times.now();
    ShortTermItem item =
        ShortTermItem.newBuilder()
            .setId(UUID.randomUUID().toString())
            .setScope(owner.scope())
            .setText(text)
            .setRole(role)
            .setMetadata(metadata)
            .setCreatedAt(Times.proto(now))
            .setExpiresAt(Times.proto(now.plus(ttl)))
            .build();
    ShortTermStore.Stored stored =
        store.append(
            item,
            owner,
            settings.maxItems(),
            ttl,
            requestId == null ? null : ShortTermKeys.request(owner.tenantId(), owner.userId(), requestId),
            requestHash);
    if (requestId != null && !stored.requestHash().equals(requestHash)) {
      throw dev.nerve.platform.error.NerveException.invalid(
          "requestId", "reused", "was already used for a different request; use a new requestId");
    }
    return stored.item();
  }

  List<ShortTermHit> retrieve(Owner scope, String query, int limit) {
    Instant now = Instant.now();
    List<ShortTermItem> items = new ArrayList<>();
    for (Owner session : store.sessions(scope)) {
      for (String raw : store.rawItems(session)) {
        ShortTermItem item = ShortTermStore.parse(raw);
        if (Times.instant(item.getExpiresAt()).isAfter(now)) {
          items.add(item);
        }
      }
    }
    return ranker.rank(items, query, limit, now);
  }

  ClearShortTermItemsResponse clear(Owner scope, boolean promote, Promotion promotion) {
    List<Owner> sessions = store.sessions(scope);
    ClearShortTermItemsResponse.Builder response = ClearShortTermItemsResponse.newBuilder();
    if (!promote) {
      long cleared = 0;
      for (Owner session : sessions) {
        cleared += store.drop(session);
      }
      return response.setClearedCount(cleared).build();
    }
    // Read first, promote everything (oldest first), and only then delete what was read: a
    // failed promotion clears nothing, and items written meanwhile survive.
    List<List<String>> read = new ArrayList<>();
    List<ShortTermItem> live = new ArrayList<>();
    Instant now = Instant.now();
    for (Owner session : sessions) {
      List<String> raw = store.rawItems(session);
      read.add(raw);
      for (String entry : raw) {
        ShortTermItem item = ShortTermStore.parse(entry);
        if (Times.instant(item.getExpiresAt()).isAfter(now)) {
          live.add(item);
        }
      }
    }
    live.sort(Comparator.comparing(item -> Times.instant(item.getCreatedAt())));
    Promotion.Outcome outcome = promotion.promote(live);
    long cleared = 0;
    for (int i = 0; i < sessions.size(); i++) {
      cleared += store.remove(sessions.get(i), read.get(i));
    }
    return response
        .setClearedCount(cleared)
        .setPromotedCount(outcome.created())
        .setDeduplicatedCount(outcome.deduplicated())
        .build();
  }

  /** Deletes every short-term item of a user; returns how many there were. */
  public long forget(String tenantId, String userId) {
    return store.forget(tenantId, userId);
  }
}
