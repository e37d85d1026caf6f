package dev.nerve.memory.longterm;

import dev.nerve.memory.longterm.LongTermMemories.Draft;
import dev.nerve.memory.support.Owner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a long-term memory's vector is computed from. In a session (a conversation), a turn often
 * makes sense only with the turn it answers: "It calms me down after work" says nothing of pottery
 * until it follows "Why did you take up pottery?". So the vector of a memory with a session is
 * computed from the ends of the memories just before it in that session (same tenant, user, agent
 * and session; occurred at or before it and stored before it), oldest first, then its own text,
 * and a question about the topic finds the answer. The keyword terms stay the memory's own text.
 * A memory without a session, or with {@code turns} 0, is embedded as it is.
 */
final class SessionContext {

  /** Most earlier memories a vector may read. */
  static final int MAX_TURNS = 10;

  /** Characters kept of each earlier memory, from its end: its gist, at a bounded cost. */
  static final int MAX_CHARS_PER_TURN = 500;

  private final MemoryRepository repository;
  private final int turns;

  /**
   * @param repository where stored memories are looked up
   * @param turns how many earlier memories of its session a memory's vector includes, 0 to
   *     {@link #MAX_TURNS}
   */
  SessionContext(MemoryRepository repository, int turns) {
    if (turns < 0 || turns > MAX_TURNS) {
      throw new IllegalArgumentException(
          "nerve.memory.long-term.session-context-turns must be between 0 and " + MAX_TURNS + ", not " + turns);
    }
    this.repository = repository;
    this.turns = turns;
  }

  /** Whether vectors read earlier memories at all (only then does a session or time change re-embed). */
  boolean enabled() {
    return turns > 0;
  }

  /** How many earlier memories of its session a memory's vector reads. */
  int turns() {
    return turns;
  }

  /**
   * The texts to embed for drafts stored in this order: earlier drafts of the same session in the
   * same call count as stored before the later ones.
   */
  List<String> texts(List<Draft> drafts, Instant now) {
    return texts(drafts, now, List.of());
  }

  /** {@link #texts(List, Instant)}, leaving out the stored memories in {@code excluded}. */
  List<String> texts(List<Draft> drafts, Instant now, Collection<String> excluded) {
    List<String> texts = new ArrayList<>(drafts.size());
    Map<Owner, List<Integer>> bySession = new LinkedHashMap<>();
    for (int i = 0; i < drafts.size(); i++) {
      texts.add(drafts.get(i).text());
      Owner owner = drafts.get(i).owner();
      if (turns > 0 && !owner.sessionId().isEmpty()) {
        bySession.computeIfAbsent(owner, o -> new ArrayList<>()).add(i);
      }
    }
    bySession.forEach((owner, indexes) -> {
      List<Instant> times = indexes.stream().map(i -> occurred(drafts.get(i), now)).toList();
      List<List<MemoryRepository.Earlier>> stored = repository.earlier(owner, times,
          Collections.nCopies(times.size(), MemoryRepository.NOT_STORED), Collections.nCopies(times.size(), null), turns, excluded);
      for (int k = 0; k < indexes.size(); k++) {
        Instant at = times.get(k);
        // Stored memories, then this call's earlier drafts: each list is latest last.
        List<MemoryRepository.Earlier> candidates = new ArrayList<>(stored.get(k));
        Collections.reverse(candidates);
        for (int j = 0; j < k; j++) {
          if (!times.get(j).isAfter(at)) {
            candidates.add(new MemoryRepository.Earlier(drafts.get(indexes.get(j)).text(), times.get(j)));
          }
        }
        // Stable sort by time keeps storing order among equal times.
        candidates.sort((a, b) -> a.occurredAt().compareTo(b.occurredAt()));
        List<String> earlier = candidates.subList(Math.max(0, candidates.size() - turns), candidates.size()).stream()
            .map(MemoryRepository.Earlier::text)
            .toList();
        texts.set(indexes.get(k), join(earlier, drafts.get(indexes.get(k)).text()));
      }
    });
    return texts;
  }

  /** The text to embed for a stored (or about to be stored) memory, from the memories before it. */
  String text(MemoryRow row) {
    return texts(List.of(row)).get(0);
  }

  /** {@link #text(MemoryRow)} of each row, with one query per session. */
  List<String> texts(List<MemoryRow> rows) {
    List<String> texts = new ArrayList<>(rows.stream().map(MemoryRow::text).toList());
    if (turns == 0) {
      return texts;
    }
    Map<Owner, List<Integer>> bySession = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).owner().sessionId().isEmpty()) {
        bySession.computeIfAbsent(rows.get(i).owner(), o -> new ArrayList<>()).add(i);
      }
    }
    bySession.forEach((owner, indexes) -> {
      List<MemoryRow> session = indexes.stream().map(rows::get).toList();
      List<List<MemoryRepository.Earlier>> earlier = repository.earlier(
          owner, session.stream().map(MemoryRow::occurredAt).toList(), session.stream().map(MemoryRow::ordinal).toList(),
          session.stream().map(MemoryRow::id).toList(), turns, List.of());
      for (int k = 0; k < indexes.size(); k++) {
        List<MemoryRepository.Earlier> oldestFirst = new ArrayList<>(earlier.get(k));
        Collections.reverse(oldestFirst);
        texts.set(indexes.get(k), join(oldestFirst.stream().map(MemoryRepository.Earlier::text).toList(), texts.get(indexes.get(k))));
      }
    });
    return texts;
  }

  private static Instant occurred(Draft draft, Instant now) {
    return draft.occurredAt() == null ? now : draft.occurredAt();
  }

  /** The earlier texts' ends, oldest first, then the memory's own text, a line each. */
  static String join(List<String> earlier, String text) {
    if (earlier.isEmpty()) {
      return text;
    }
    StringBuilder joined = new StringBuilder();
    for (String turn : earlier) {
      joined.append(turn.length() > MAX_CHARS_PER_TURN ? turn.substring(turn.length() - MAX_CHARS_PER_TURN) : turn).append('\n');
    }
    return joined.append(text).toString();
  }
}
