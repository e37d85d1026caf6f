package dev.nerve.memory.longterm;

import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.QuestionShape;
import dev.nerve.memory.search.SearchIndex;
import dev.nerve.memory.search.TimeLanguage;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Hybrid ranking over the local index (public so the benchmarks measure exactly this code). The
 * BM25 and vector rankings each contribute their top {@code depth} candidates; each candidate's
 * relevance fuses its two scores, then recency and importance are blended in:
 *
 * <pre>
 * convex (default):
 *   ceiling   = sum over the query's terms of idf / (1 + k1)       (what a memory containing each
 *                                                                  term once scores: of any length
 *                                                                  without length normalization, the
 *                                                                  default; of average length with it)
 *   keyword   = min(1, bm25 / ceiling)                             (0 when the text did not match)
 *   vector    = (cosine - min_cosine) / (max_cosine - min_cosine) over the candidates
 *                                                                  (also for keyword-only candidates)
 *   relevance = (wk * keyword + wv * vector) / (wk + wv)
 * rrf:
 *   relevance = (wk / (k + rank_bm25) + wv / (k + rank_vector)) / ((wk + wv) / (k + 1))
 * both:
 *   relevance = relevance * (1 + timeBoost)                        (only when the query asks when
 *                                                                  and the memory mentions a time)
 *   relevance = relevance * (1 - questionPenalty)                  (only when the memory mostly asks)
 *   recency   = 0.5 ^ (age / halfLife)                             (age = asOf - occurredAt)
 *   score     = (relevance + wr * recency + wi * importance) / (1 + wr + wi)
 * </pre>
 *
 * Convex fusion keeps how decisive a score is where rank fusion counts one rank like another, and
 * the strong-match rule ({@link #pinDecisiveKeywordMatch}) ranks first a memory that matches the
 * query's keyword content decisively better than any other, however far down the vector ranking
 * it sits (measured in docs/benchmarks.md). Time-aware search answers "when" questions ({@link
 * TimeLanguage#asksForTime}) with the turn that dated the event rather than the later turns that
 * only come back to it: memories whose text mentions a time get their relevance raised, so the
 * lift scales with how well they match and a dated turn about something else stays low. A memory
 * that mostly asks ({@link QuestionShape}: a chat partner's "What got you into woodworking?") is
 * lowered: it matches questions about its topic closely and tells nothing of it. The
 * blend's score is computed after fusion, so the pinned memory gets just above the best score.
 * The fused list is deterministic for a given index state and {@code asOf}, which is what makes
 * keyset pagination over it stable. The two rankings are independent, so the vector one runs on
 * the searcher's own threads (one per core) while the calling thread runs BM25.
 */
public final class HybridSearcher implements AutoCloseable {

  private final SearchIndex index;
  private final Fusion fusion;
  private final Expansion expansion;
  private final TextRules textRules;
  private final int rrfK;
  private final int depth;
  private final double halfLifeMillis;
  private final ExecutorService executor;

  /** How the keyword and vector scores of a candidate become one relevance. */
  public enum Fusion {
    /** Convex combination of the max-normalized BM25 score and the cosine similarity. */
    CONVEX,
    /** Reciprocal rank fusion of the two ranks. */
    RRF
  }

  /**
   * Expansion of the best hits with the turns around them in their session: a conversation often
   * answers in the turn after the one that names the topic ("What got you into pottery?" "My
   * grandma did it."), so each of the best {@code hits} candidates lifts the memories up to {@code
   * window} turns before and after it to its own score times {@code decay} per turn of distance,
   * unless they score higher on their own.
   *
   * @param window turns on each side; 0 switches expansion off
   * @param decay factor per turn of distance, 0..1
   * @param hits how many of the best candidates are expanded
   */
  public record Expansion(int window, double decay, int hits) {
    /** No expansion. */
    public static final Expansion OFF = new Expansion(0, 0, 0);
  }

  /** A searcher with convex fusion, no expansion and the default {@link TextRules}. */
  public HybridSearcher(SearchIndex index, int rrfK, int depth, java.time.Duration halfLife) {
    this(index, Fusion.CONVEX, Expansion.OFF, TextRules.DEFAULT, rrfK, depth, halfLife);
  }

  /**
   * How a memory's text shape moves its relevance, decided from the text once, when it is
   * indexed.
   *
   * @param timeBoost share by which a "when" query raises the relevance of memories that mention a
   *     time (time-aware search); 0 switches it off
   * @param questionPenalty share by which the relevance of a memory that mostly asks ({@link
   *     QuestionShape}) is lowered, whatever the query; 0 switches it off
   */
  public record TextRules(double timeBoost, double questionPenalty) {

    /** The service defaults. */
    public static final TextRules DEFAULT = new TextRules(0.2, 0.2);

    /** Text shape moves nothing. */
    public static final TextRules OFF = new TextRules(0, 0);

    public TextRules {
      if (!(timeBoost >= 0 && Double.isFinite(timeBoost))) {
        throw new IllegalArgumentException(
            "nerve.memory.long-term.time-boost must be 0 (off) or more, not " + timeBoost);
      }
      if (!(questionPenalty >= 0 && questionPenalty < 1)) {
        throw new IllegalArgumentException(
            "nerve.memory.long-term.question-penalty must lie in 0 (off) to below 1, not " + questionPenalty);
      }
    }
  }

  public HybridSearcher(
      SearchIndex index,
      Fusion fusion,
      Expansion expansion,
      TextRules textRules,
      int rrfK,
      int depth,
      java.time.Duration halfLife) {
    this.index = index;
    this.fusion = fusion;
    this.expansion = expansion;
    this.textRules = textRules;
    this.rrfK = rrfK;
    this.depth = depth;
    this.halfLifeMillis = Math.max(1, halfLife.toMillis());
    this.executor =
        Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            DaemonThreads.numbered("memory-search-"));
  }

  /**
   * Ranking weights.
   *
   * @param keyword weight of the BM25 ranking
   * @param vector weight of the vector ranking
   * @param recency weight of recency in the blend
   * @param importance weight of importance in the blend
   */
  public record Weights(double keyword, double vector, double recency, double importance) {}

  /** A fused candidate with every score component (ranks are 1-based, 0 when absent). */
  public static final class Candidate {
    final String id;
    int bm25Rank;
    double bm25Score;
    int vectorRank;
    double vectorSimilarity = Double.NaN;
    double rrf;
    double relevance;
    double recency;
    double importance;
    boolean timeBoosted;
    boolean questionLowered;
    double score;
    long occurredMillis;
    String neighbourOf = "";

    Candidate(String id) {
      this.id = id;
    }

    /** Id of the memory. */
    public String id() {
      return id;
    }

    /** Final score. */
    public double score() {
      return score;
    }
  }

  /**
   * The constants that turn a query's raw scores into the 0..1 sides of convex fusion. A search
   * pins them in its page cursor, so a memory stored between two pages does not rescale the
   * scores the cursor points into.
   *
   * @param ceiling BM25 ceiling of the query (see the class comment)
   * @param lowestCosine lowest cosine among the candidates
   * @param highestCosine highest cosine among the candidates
   */
  public record Normalization(double ceiling, double lowestCosine, double highestCosine) {}

  /**
   * A ranked query.
   *
   * @param candidates every fused candidate, best first (ties by id)
   * @param normalization the constants the ranking used
   */
  public record Ranking(List<Candidate> candidates, Normalization normalization) {}

  /** Every fused candidate of a query, best first (ties by id). */
  public List<Candidate> rank(
      SearchFilter filter, String query, String model, float[] vector, Weights weights, Instant asOf) {
    return rank(filter, query, model, vector, weights, asOf, null).candidates();
  }

  /** A ranking with the normalization constants pinned, or computed when {@code pinned} is null. */
  public Ranking rank(
      SearchFilter filter, String query, String model, float[] vector, Weights weights, Instant asOf, Normalization pinned) {
    Map<String, Candidate> byId = new LinkedHashMap<>();
    Map<String, SearchIndex.Hit> hits = new LinkedHashMap<>();
    CompletableFuture<List<SearchIndex.Hit>> vectorHits =
        weights.vector() > 0
            ? CompletableFuture.supplyAsync(() -> index.vector(filter, model, vector, depth), executor)
            : CompletableFuture.completedFuture(List.of());
    double ceiling = 0;
    if (weights.keyword() > 0) {
      List<SearchIndex.Hit> keyword;
      try {
        keyword =
            fusion == Fusion.CONVEX && weights.vector() > 0
                ? index.keyword(filter, query, depth, model, vector)
                : index.keyword(filter, query, depth);
      } catch (RuntimeException e) {
        vectorHits.cancel(false);
        throw e;
      }
      if (fusion == Fusion.CONVEX && !keyword.isEmpty()) {
        ceiling = index.keywordCeiling(filter, query);
      }
      for (int i = 0; i < keyword.size(); i++) {
        SearchIndex.Hit hit = keyword.get(i);
        Candidate c = byId.computeIfAbsent(hit.id(), Candidate::new);
        c.bm25Rank = i + 1;
        c.bm25Score = hit.score();
        c.vectorSimilarity = hit.similarity();
        c.rrf += weights.keyword() / (rrfK + i + 1);
        hits.putIfAbsent(hit.id(), hit);
      }
    }
    if (weights.vector() > 0) {
      List<SearchIndex.Hit> nearest = join(vectorHits);
      for (int i = 0; i < nearest.size(); i++) {
        SearchIndex.Hit hit = nearest.get(i);
        Candidate c = byId.computeIfAbsent(hit.id(), Candidate::new);
        c.vectorRank = i + 1;
        // DOT_PRODUCT scores of unit vectors are (1 + cosine) / 2.
        c.vectorSimilarity = 2.0 * hit.score() - 1.0;
        c.rrf += weights.vector() / (rrfK + i + 1);
        hits.putIfAbsent(hit.id(), hit);
      }
    }
    double best = (weights.keyword() + weights.vector()) / (rrfK + 1);
    List<Candidate> ranked = new ArrayList<>(byId.values());
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    for (Candidate c : ranked) {
      if (!Double.isNaN(c.vectorSimilarity)) {
        lowest = Math.min(lowest, c.vectorSimilarity);
        highest = Math.max(highest, c.vectorSimilarity);
      }
    }
    if (pinned != null) {
      ceiling = pinned.ceiling();
      lowest = pinned.lowestCosine();
      highest = pinned.highestCosine();
    }
    Normalization normalization = new Normalization(ceiling, lowest, highest);
    double[] span = {lowest, highest};
    boolean asksWhen = textRules.timeBoost() > 0 && query != null && TimeLanguage.asksForTime(query);
    for (Candidate c : ranked) {
      SearchIndex.Hit hit = hits.get(c.id);
      c.relevance =
          switch (fusion) {
            case RRF -> best == 0 ? 0 : c.rrf / best;
            case CONVEX -> convex(c, ceiling, span, weights);
          };
      if (asksWhen && hit.mentionsTime()) {
        c.relevance *= 1 + textRules.timeBoost();
        c.timeBoosted = true;
      }
      if (textRules.questionPenalty() > 0 && hit.mostlyAsks()) {
        c.relevance *= 1 - textRules.questionPenalty();
        c.questionLowered = true;
      }
      c.occurredMillis = hit.occurredMillis();
      c.recency = recency(hit.occurredMillis(), asOf);
      c.importance = hit.importance();
      c.score =
          (c.relevance + weights.recency() * c.recency + weights.importance() * c.importance)
              / (1 + weights.recency() + weights.importance());
    }
    if (fusion == Fusion.CONVEX) {
      pinDecisiveKeywordMatch(ranked, ceiling);
    }
    ranked.sort(BEST_FIRST);
    if (expansion.window() > 0 && !ranked.isEmpty()) {
      ranked = expand(filter, ranked, byId, asOf);
    }
    return new Ranking(ranked, normalization);
  }

  private static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparingDouble((Candidate c) -> c.score).reversed().thenComparing(c -> c.id);

  /** Lifts the session neighbours of the best candidates (see {@link Expansion}). */
  private List<Candidate> expand(SearchFilter filter, List<Candidate> ranked, Map<String, Candidate> byId, Instant asOf) {
    List<Candidate> best = List.copyOf(ranked.subList(0, Math.min(expansion.hits(), ranked.size())));
    for (Candidate hit : best) {
      SearchIndex.Neighbours around = index.neighbours(filter, hit.id, expansion.window(), expansion.window());
      for (List<SearchIndex.Hit> side : List.of(around.before(), around.after())) {
        double lifted = hit.score;
        for (SearchIndex.Hit n : side) {
          lifted *= expansion.decay();
          Candidate c = byId.get(n.id());
          if (c == null) {
            c = new Candidate(n.id());
            c.occurredMillis = n.occurredMillis();
            c.recency = recency(n.occurredMillis(), asOf);
            c.importance = n.importance();
            byId.put(n.id(), c);
            ranked.add(c);
          }
          if (lifted > c.score) {
            c.score = lifted;
            c.neighbourOf = hit.id;
          }
        }
      }
    }
    ranked.sort(BEST_FIRST);
    return ranked;
  }

  /**
   * The strong-match rule: a memory that matches at least half of the query's keyword content and
   * at least {@value #DECISIVE_RATIO} times as much as any other memory (typically the only one
   * holding a rare identifier the query names) ranks first, whatever the vector side says.
   */
  private static void pinDecisiveKeywordMatch(List<Candidate> ranked, double ceiling) {
    if (ceiling <= 0) {
      return;
    }
    Candidate first = null;
    double best = 0;
    double second = 0;
    double top = 0;
    for (Candidate c : ranked) {
      double share = Math.min(1, c.bm25Score / ceiling);
      if (share > best) {
        second = best;
        best = share;
        first = c;
      } else if (share > second) {
        second = share;
      }
      top = Math.max(top, c.score);
    }
    if (first != null && best >= 0.5 && best >= DECISIVE_RATIO * second && first.score < top) {
      first.score = Math.nextUp(top);
    }
  }

  /** How many times more of the query a decisive keyword match must cover than the runner-up. */
  static final double DECISIVE_RATIO = 3;

  private static double convex(Candidate c, double ceiling, double[] span, Weights weights) {
    double keyword = ceiling > 0 ? Math.min(1, c.bm25Score / ceiling) : 0;
    double vector;
    if (Double.isNaN(c.vectorSimilarity)) {
      vector = 0;
    } else {
      vector = span[1] > span[0] ? (c.vectorSimilarity - span[0]) / (span[1] - span[0]) : 1;
    }
    return (weights.keyword() * keyword + weights.vector() * vector) / (weights.keyword() + weights.vector());
  }

  /** Number of memories the filter lets through. */
  int count(SearchFilter filter) {
    return index.count(filter);
  }

  /** Filtered memories newest first, scored by recency alone. */
  List<Candidate> recent(SearchFilter filter, Long afterMillis, String afterId, int limit, Instant asOf) {
    List<Candidate> result = new ArrayList<>();
    for (SearchIndex.Hit hit : index.recent(filter, afterMillis, afterId, limit)) {
      Candidate c = new Candidate(hit.id());
      c.occurredMillis = hit.occurredMillis();
      c.recency = recency(hit.occurredMillis(), asOf);
      c.importance = hit.importance();
      c.score = c.recency;
      c.occurredMillis = hit.occurredMillis();
      result.add(c);
    }
    return result;
  }

  /** Stops the searcher's threads. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private double recency(long occurredMillis, Instant asOf) {
    double age = Math.max(0, asOf.toEpochMilli() - occurredMillis);
    return Math.pow(0.5, age / halfLifeMillis);
  }
}
