package dev.nerve.memory.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached scope filter answers exactly as the uncached conditions would, across refreshes. */
class SearchIndexFilterTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final float[] X = {1, 0, 0};
  private static final float[] Y = {0, 1, 0};

  @TempDir Path dir;

  @Test
  void filtersByOwnerScopeTagsAndExpiryAndFollowsNewSegmentsAndDeletes() {
    try (SearchIndex index = new SearchIndex(dir)) {
      index.apply(
          List.of(
              memory("a1", "alice", "", List.of("work"), null, X),
              memory("a2", "alice", "agent-1", List.of("home"), T0.plus(Duration.ofHours(1)), Y),
              memory("b1", "bob", "", List.of("work"), null, X)),
          List.of(),
          1);

      assertThat(ids(index.keyword(filter("alice", "", List.of(), T0), "apple", 10))).containsExactlyInAnyOrder("a1", "a2");
      assertThat(ids(index.vector(filter("alice", "", List.of(), T0), "m", X, 10))).containsExactly("a1", "a2");
      // The same scope again, from the cache, at an instant after a2 expired.
      Instant later = T0.plus(Duration.ofHours(2));
      assertThat(ids(index.vector(filter("alice", "", List.of(), later), "m", X, 10))).containsExactly("a1");
      assertThat(index.count(filter("alice", "", List.of(), later))).isEqualTo(1);
      assertThat(ids(index.keyword(filter("alice", "agent-1", List.of(), T0), "apple", 10))).containsExactly("a2");
      assertThat(ids(index.keyword(filter("alice", "", List.of("work"), T0), "apple", 10))).containsExactly("a1");
      assertThat(ids(index.keyword(filter("bob", "", List.of(), T0), "apple", 10))).containsExactly("b1");

      // A new segment and a delete in the old one: both visible to the cached scope.
      index.apply(List.of(memory("a3", "alice", "", List.of(), null, X)), List.of("a1"), 2);
      assertThat(ids(index.vector(filter("alice", "", List.of(), T0), "m", X, 10))).containsExactly("a3", "a2");
      assertThat(index.count(filter("alice", "", List.of(), T0))).isEqualTo(2);

      // Merged segments start with an empty cache and still answer the same.
      index.forceMerge(1);
      assertThat(ids(index.vector(filter("alice", "", List.of(), T0), "m", X, 10))).containsExactly("a3", "a2");
      assertThat(ids(index.vector(filter("alice", "", List.of(), later), "m", X, 10))).containsExactly("a3");
    }
  }

  @Test
  void exactTextLookupsFindOnlyTheirScopeAndReuseOneCachedScope() {
    try (SearchIndex index = new SearchIndex(dir)) {
      List<IndexedMemory> memories = new java.util.ArrayList<>();
      for (int i = 0; i < 20; i++) {
        memories.add(inSession("s" + i, "alice", "chat-1", "Turn number " + i + "!", X));
      }
      memories.add(inSession("other", "alice", "chat-2", "turn number 0", X));
      index.apply(memories, List.of(), 1);
      SearchFilter chat1 = new SearchFilter("t", "alice", "", "chat-1", List.of(), List.of(), Map.of(), null, null, null, null,
          false, T0);
      int before = index.cachedScopes();
      for (int i = 0; i < 20; i++) {
        // Equal after normalization (case, punctuation); the same text in chat-2 is another scope.
        assertThat(ids(index.sameTextInScope(chat1, "turn NUMBER " + i, 5))).containsExactly("s" + i);
      }
      assertThat(ids(index.sameTextInScope(chat1, "turn number 20", 5))).isEmpty();
      // One bit set for the scope, not one per text looked up.
      assertThat(index.cachedScopes() - before).isEqualTo(1);
    }
  }

  private static IndexedMemory inSession(String id, String user, String session, String text, float[] vector) {
    return new IndexedMemory(id, "t", user, "", session, text, List.of(), Map.of(), 0.5, T0, T0, null, "m", vector);
  }

  private static SearchFilter filter(String user, String agent, List<String> tagsAll, Instant now) {
    return new SearchFilter("t", user, agent, "", List.of(), tagsAll, Map.of(), null, null, null, null, false, now);
  }

  private static IndexedMemory memory(String id, String user, String agent, List<String> tags, Instant expires, float[] vector) {
    return new IndexedMemory(id, "t", user, agent, "", "apple " + id, tags, Map.of(), 0.5, T0, T0, expires, "m", vector);
  }

  private static List<String> ids(List<SearchIndex.Hit> hits) {
    return hits.stream().map(SearchIndex.Hit::id).toList();
  }
}
