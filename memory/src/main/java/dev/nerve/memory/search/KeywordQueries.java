package dev.nerve.memory.search;

/**
 * How keyword queries are matched and scored, as opposed to how texts are indexed ({@link
 * KeywordAnalysis}): both apply at query time, so changing them needs no index rebuild.
 *
 * @param dropQuestionWords whether queries drop the words a question is made of ({@link
 *     KeywordAnalysis#queryFilter}); a query made of such words only keeps them
 * @param lengthNormalization BM25's {@code b}, from 0 to 1: how much a memory's score is scaled by
 *     its length against the tenant's average. 0 scores a memory by which of the query's words it
 *     holds and how often, so its score over the query's ceiling is the share of the query it
 *     matches; Lucene's default 0.75 lifts short texts, which in chat are the greetings and
 *     reactions that repeat a name or a topic word (measured in docs/benchmarks.md)
 */
public record KeywordQueries(boolean dropQuestionWords, double lengthNormalization) {

  /** The service defaults. */
  public static final KeywordQueries DEFAULT = new KeywordQueries(true, 0);

  public KeywordQueries {
    if (!(lengthNormalization >= 0 && lengthNormalization <= 1)) {
      throw new IllegalArgumentException(
          "nerve.memory.long-term.keyword-length-normalization must lie between 0 and 1, not " + lengthNormalization);
    }
  }
}
