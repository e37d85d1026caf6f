package dev.nerve.memory.longterm;

import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hybrid ranking over the local index (public so the benchmark measures exactly this code).
 * Reciprocal rank fusion of the BM25 and vector rankings, normalised to 0..1, then blended with
 * recency and importance:
 *
 * <pre>
 * rrf       = wk / (k + rank_bm25) + wv / (k + rank_vector)      (a missing rank adds 0)
 * relevance = rrf / ((wk + wv) / (k + 1))                          (1 = first in both lists)
 * recency   = 0.5 ^ (age / halfLife)                               (age = asOf - occurredAt)
 * score     = (relevance + wr * recency + wi * importance) / (1 + wr + wi)
 * </pre>
 *
 * Each ranking contributes its top {@code depth} hits; the fused list is deterministic for a given
 * index state and {@code asOf}, which is what makes keyset pagination over it stable. The two
 * rankings are independent, so the vector one runs on the searcher's own threads (one per core)
 * while the calling thread runs BM25.
 */
public final class HybridSearcher implements AutoCloseable {

  private final SearchIndex index;
  private final int rrfK;
  private final int depth;
  private final double halfLifeMillis;
  private final ExecutorService executor;

  public HybridSearcher(SearchIndex index, int rrfK, int depth, java.time.Duration halfLife) {
    this.index = index;
    this.rrfK = rrfK;
    this.depth = depth;
    this.halfLifeMillis = Math.max(1, halfLife.toMillis());
    AtomicInteger count = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            runnable -> {
              Thread thread = new Thread(runnable, "memory-search-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
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
    double recency;
    double importance;
    double score;
    long occurredMillis;

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

  /** Every fused candidate of a query, best first (ties by id). */
  public List<Candidate> rank(
      SearchFilter filter, String query, String model, float[] vector, Weights weights, Instant asOf) {
    Map<String, Candidate> byId = new LinkedHashMap<>();
    Map<String, SearchIndex.Hit> hits = new LinkedHashMap<>();
    CompletableFuture<List<SearchIndex.Hit>> vectorHits =
        weights.vector() > 0
            ? CompletableFuture.supplyAsync(() -> index.vector(filter, model, vector, depth), executor)
            : CompletableFuture.completedFuture(List.of());
    if (weights.keyword() > 0) {
      List<SearchIndex.Hit> keyword;
      try {
        keyword = index.keyword(filter, query, depth);
      } catch (RuntimeException e) {
        vectorHits.cancel(false);
        throw e;
      }
      for (int i = 0; i < keyword.size(); i++) {
        SearchIndex.Hit hit = keyword.get(i);
        Candidate c = byId.computeIfAbsent(hit.id(), Candidate::new);
        c.bm25Rank = i + 1;
        c.bm25Score = hit.score();
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
    for (Candidate c : ranked) {
      SearchIndex.Hit hit = hits.get(c.id);
      double relevance = best == 0 ? 0 : c.rrf / best;
      c.occurredMillis = hit.occurredMillis();
      c.recency = recency(hit.occurredMillis(), asOf);
      c.importance = hit.importance();
      c.score =
          (relevance + weights.recency() * c.recency + weights.importance() * c.importance)
              / (1 + weights.recency() + weights.importance());
    }
    ranked.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed().thenComparing(c -> c.id));
    return ranked;
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
