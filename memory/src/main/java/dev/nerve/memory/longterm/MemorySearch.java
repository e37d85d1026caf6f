package dev.nerve.memory.longterm;

import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.memory.v1.ScoreExplanation;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.memory.embedding.Embedder;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.support.PageCursor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers Search and Retrieve: ranks with {@link HybridSearcher}, pages with a keyset cursor that
 * also pins the instant recency and expiry are judged at, and reads the hits back from PostgreSQL.
 */
final class MemorySearch {

  private final HybridSearcher searcher;
  private final MemoryRepository repository;
  private final Embedder embedder;
  private final MeterRegistry meters;

  MemorySearch(HybridSearcher searcher, MemoryRepository repository, Embedder embedder, MeterRegistry meters) {
    this.searcher = searcher;
    this.repository = repository;
    this.embedder = embedder;
    this.meters = meters;
  }

  /**
   * The search's mode for {@code nerve.memory.search}: {@code recent} (no query), {@code keyword}
   * or {@code vector} (the other weight zero), else {@code hybrid}.
   */
  static String mode(Query q) {
    if (q.query().isBlank()) {
      return "recent";
    }
    if (q.weights().vector() <= 0) {
      return "keyword";
    }
    return q.weights().keyword() <= 0 ? "vector" : "hybrid";
  }

  SearchResult search(Query q) {
    Timer.Sample sample = Timer.start(meters);
    try {
      return searchUntimed(q);
    } finally {
      sample.stop(
          Timer.builder("nerve.memory.search")
              .description("Long-term memory searches (ranking, paging and reading the hits), by mode")
              .tag("mode", mode(q))
              .register(meters));
    }
  }

  /**
   * A validated search.
   *
   * @param filter which memories qualify (its {@code now} is the pinned instant)
   * @param query text, possibly empty
   * @param weights ranking weights
   * @param limit page size
   * @param cursor position after the previous page (mode, instant, score or time, id, and the
   *     normalization the first page used), null for the first page
   * @param minScore lowest final score returned
   * @param explain whether to return score components
   */
  record Query(
      SearchFilter filter,
      String query,
      HybridSearcher.Weights weights,
      int limit,
      PageCursor cursor,
      double minScore,
      boolean explain) {}

  private SearchResult searchUntimed(Query q) {
    // No catch-up here: this replica's own writes are indexed before they return, other
    // replicas' arrive through change notifications within milliseconds (the timer is the
    // safety net), and searches must not queue behind a catch-up.
    Instant asOf = q.filter().now();
    List<HybridSearcher.Candidate> page;
    boolean more;
    int total;
    String mode = q.query().isBlank() ? "r" : "q";
    float[] vector = null;
    HybridSearcher.Normalization normalization = new HybridSearcher.Normalization(0, 0, 0);
    if (mode.equals("r")) {
      Long afterMillis = q.cursor() == null ? null : q.cursor().number("page.cursor", 2);
      String afterId = q.cursor() == null ? null : q.cursor().part(3);
      List<HybridSearcher.Candidate> recent = searcher.recent(q.filter(), afterMillis, afterId, q.limit() + 1, asOf);
      recent = recent.stream().filter(c -> c.score >= q.minScore()).toList();
      more = recent.size() > q.limit();
      page = more ? recent.subList(0, q.limit()) : recent;
      total = searcher.count(q.filter());
    } else {
      vector = q.weights().vector() > 0 || q.explain() ? embedder.embedQuery(q.query()) : new float[0];
      HybridSearcher.Normalization pinned =
          q.cursor() == null
              ? null
              : new HybridSearcher.Normalization(
                  Double.parseDouble(q.cursor().part(4)),
                  Double.parseDouble(q.cursor().part(5)),
                  Double.parseDouble(q.cursor().part(6)));
      HybridSearcher.Ranking ranking =
          searcher.rank(q.filter(), q.query(), embedder.model(), vector, q.weights(), asOf, pinned);
      normalization = ranking.normalization();
      List<HybridSearcher.Candidate> ranked =
          ranking.candidates().stream().filter(c -> c.score >= q.minScore()).toList();
      total = ranked.size();
      int start = 0;
      if (q.cursor() != null) {
        double lastScore = Double.parseDouble(q.cursor().part(2));
        String lastId = q.cursor().part(3);
        while (start < ranked.size() && !after(ranked.get(start), lastScore, lastId)) {
          start++;
        }
      }
      int end = Math.min(ranked.size(), start + q.limit());
      page = ranked.subList(start, end);
      more = end < ranked.size();
    }
    SearchResult.Builder result = SearchResult.newBuilder();
    Map<String, MemoryRow> rows =
        (q.explain()
                ? repository.findAllWithVectors(q.filter().tenantId(), q.filter().userId(), ids(page))
                : repository.findAll(q.filter().tenantId(), q.filter().userId(), ids(page)))
            .stream()
            .collect(Collectors.toMap(MemoryRow::id, Function.identity()));
    float[] queryVector = vector;
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    for (HybridSearcher.Candidate c : page) {
      MemoryRow row = rows.get(c.id);
      if (row == null) {
        continue; // deleted after the index saw it
      }
      SearchHit.Builder hit = SearchHit.newBuilder().setMemory(row.toProto()).setScore(c.score);
      if (q.explain()) {
        hit.setExplanation(explain(c, row, queryVector));
      }
      result.addHits(hit);
      info.addItemCursors(cursor(mode, asOf, normalization, c));
    }
    if (more && !page.isEmpty()) {
      info.setNextCursor(cursor(mode, asOf, normalization, page.get(page.size() - 1)));
    }
    return result.setPageInfo(info).setTotalCandidates(total).build();
  }

  /**
   * The cursor after a candidate: the kind of search, its time, the candidate's sort position and
   * id, and the score normalization of the first page (so later pages rank alike).
   */
  private static String cursor(
      String mode, Instant asOf, HybridSearcher.Normalization normalization, HybridSearcher.Candidate c) {
    String position = mode.equals("r") ? Long.toString(c.occurredMillis) : Double.toString(c.score);
    return PageCursor.of(
            mode,
            Long.toString(asOf.toEpochMilli()),
            position,
            c.id,
            Double.toString(normalization.ceiling()),
            Double.toString(normalization.lowestCosine()),
            Double.toString(normalization.highestCosine()))
        .encode();
  }

  /** Checks a cursor taken from a previous page of the same kind of search. */
  static void checkCursor(PageCursor cursor, boolean emptyQuery) {
    String expected = emptyQuery ? "r" : "q";
    if (!cursor.part(0).equals(expected)) {
      throw dev.nerve.platform.error.NerveException.invalid(
          "page.cursor", "format", "belongs to a search with a different query");
    }
    cursor.number("page.cursor", 1);
    if (emptyQuery) {
      cursor.number("page.cursor", 2);
    } else {
      try {
        Double.parseDouble(cursor.part(2));
        Double.parseDouble(cursor.part(4));
        Double.parseDouble(cursor.part(5));
        Double.parseDouble(cursor.part(6));
      } catch (NumberFormatException e) {
        throw dev.nerve.platform.error.NerveException.invalid(
            "page.cursor", "format", "is not a cursor returned by this service");
      }
    }
  }

  private static boolean after(HybridSearcher.Candidate c, double lastScore, String lastId) {
    return c.score < lastScore || (c.score == lastScore && c.id.compareTo(lastId) > 0);
  }

  private ScoreExplanation explain(HybridSearcher.Candidate c, MemoryRow row, float[] queryVector) {
    double similarity = c.vectorSimilarity;
    if (Double.isNaN(similarity)) {
      similarity =
          queryVector != null && row.vector() != null && row.vector().length == queryVector.length
              ? Embedder.cosine(queryVector, row.vector())
              : 0;
    }
    return ScoreExplanation.newBuilder()
        .setBm25Score(c.bm25Score)
        .setBm25Rank(c.bm25Rank)
        .setVectorSimilarity(similarity)
        .setVectorRank(c.vectorRank)
        .setRrfScore(c.rrf)
        .setRelevance(c.relevance)
        .setNeighbourOf(c.neighbourOf)
        .setTimeBoosted(c.timeBoosted)
        .setQuestionLowered(c.questionLowered)
        .setRecency(c.recency)
        .setImportance(c.importance)
        .build();
  }

  private static List<String> ids(List<HybridSearcher.Candidate> page) {
    List<String> ids = new ArrayList<>(page.size());
    page.forEach(c -> ids.add(c.id));
    return ids;
  }
}
