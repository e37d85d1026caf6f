package dev.nerve.memory.shortterm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.memory.v1.ShortTermHit;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.memory.support.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortTermRankerTest {

  private final Instant now = Instant.parse("2026-01-01T12:00:00Z");
  private final ShortTermRanker ranker = new ShortTermRanker(Duration.ofHours(1), 0.3);

  private ShortTermItem item(String id, String text, Duration age) {
    return ShortTermItem.newBuilder().setId(id).setText(text).setCreatedAt(Times.proto(now.minus(age))).build();
  }

  @Test
  void relevanceDominatesAndRecencyBreaksCloseCalls() {
    List<ShortTermItem> items =
        List.of(
            item("old-match", "deploy apollo to production", Duration.ofHours(2)),
            item("new-match", "deploy apollo to production", Duration.ZERO),
            item("partial", "apollo lunch", Duration.ZERO),
            item("none", "unrelated", Duration.ZERO));

    List<ShortTermHit> hits = ranker.rank(items, "Deploy Apollo", 10, now);

    assertThat(hits).extracting(h -> h.getItem().getId()).containsExactly("new-match", "old-match", "partial");
    assertThat(hits.get(0).getScore()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    // Full relevance, recency 0.25 after two half-lives: 0.7 * 1 + 0.3 * 0.25.
    assertThat(hits.get(1).getScore()).isCloseTo(0.775, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void emptyQueryRanksByRecencyAndHonoursTheLimit() {
    List<ShortTermItem> items =
        List.of(item("a", "x", Duration.ofMinutes(30)), item("b", "y", Duration.ZERO), item("c", "z", Duration.ofHours(5)));

    assertThat(ranker.rank(items, " ", 2, now)).extracting(h -> h.getItem().getId()).containsExactly("b", "a");
  }
}
