package dev.nerve.memory.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's derived search index (Lucene: BM25 over the text, HNSW over the embeddings,
 * filters as indexed terms and points). It records in each commit the last change-feed sequence
 * it contains, so after a crash it resumes from there; it is never the system of record.
 */
public final class SearchIndex implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SearchIndex.class);
  private static final String SEQ = "nerve.seq";
  private static final String FORMAT_KEY = "nerve.format";
  private static final String ANALYSIS_KEY = "nerve.keyword-analysis";

  /**
   * Version of the document schema and codec, changed whenever either changes in a way that makes
   * an index built before it differ. It is committed with the index; an index of another format is
   * emptied on open and rebuilt (tools that keep built indexes key them by it too, through {@link
   * #format()}).
   */
  static final String FORMAT = "v7-hnsw-f32";

  /**
   * The {@link #FORMAT} of this version: a method, not a public constant, which the compiler would
   * copy into code built against an older version of this class.
   */
  public static String format() {
    return FORMAT;
  }

  /** Lucene's default BM25 term-frequency saturation, which every keyword search scores with. */
  private static final double BM25_K1 = 1.2;

  /** Memory for cached scope bit sets (about 125 KB per scope and million memories). */
  private static final long SCOPE_CACHE_BYTES = 64L << 20;

  private final Analyzer analyzer = new StandardAnalyzer();
  private final KeywordAnalysis analysis;
  private final KeywordQueries queries;
  private final BM25Similarity similarity;
  private final FSDirectory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ScopeFilter.Cache scopes = new ScopeFilter.Cache(SCOPE_CACHE_BYTES);
  private volatile long appliedSeq;
  private volatile long committedSeq;

  /**
   * One ranked hit with what the blend needs.
   *
   * @param id memory id
   * @param score the ranking's own score
   * @param occurredMillis when the memory's event happened (epoch milliseconds)
   * @param importance 0..1
   * @param similarity cosine similarity to the query vector when the search computed it, else NaN
   * @param mentionsTime whether the memory's text says when something happened ({@link
   *     TimeLanguage#mentionsTime})
   * @param mostlyAsks whether the memory's text mostly asks ({@link QuestionShape})
   */
  public record Hit(
      String id,
      float score,
      long occurredMillis,
      double importance,
      double similarity,
      boolean mentionsTime,
      boolean mostlyAsks) {

    /** This hit with the cosine similarity to the query vector. */
    Hit withSimilarity(double cosine) {
      return new Hit(id, score, occurredMillis, importance, cosine, mentionsTime, mostlyAsks);
    }
  }

  public SearchIndex(Path path) {
    this(path, 64);
  }

  /** An index with a larger indexing buffer, for bulk loads (fewer, larger segments). */
  public SearchIndex(Path path, double ramBufferMb) {
    this(path, ramBufferMb, KeywordAnalysis.ENGLISH);
  }

  /**
   * An index whose keyword terms come from {@code analysis}; an index built with another analysis
   * is emptied on open and rebuilt, like one of another format.
   */
  public SearchIndex(Path path, double ramBufferMb, KeywordAnalysis analysis) {
    this(path, ramBufferMb, analysis, KeywordQueries.DEFAULT);
  }

  /** {@link #SearchIndex(Path, double, KeywordAnalysis)}, with keyword queries made as {@code queries} says. */
  public SearchIndex(Path path, double ramBufferMb, KeywordAnalysis analysis, KeywordQueries queries) {
    this.analysis = analysis;
    this.queries = queries;
    this.similarity = new BM25Similarity((float) BM25_K1, (float) queries.lengthNormalization());
    try {
      directory = FSDirectory.open(path);
      IndexWriterConfig config = new IndexWriterConfig(analyzer);
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      config.setRAMBufferSizeMB(ramBufferMb);
      // Lucene waits up to 500 ms on each refresh for merges of the small segments it flushes;
      // here a refresh follows every write, and those merges (HNSW graphs rebuilt) stalled stores
      // for 100 to 600 ms. They run in the background instead; searches visit the small
      // segments until then.
      config.setMaxFullFlushMergeWaitMillis(0);
      writer = new IndexWriter(directory, config);
      long seq = 0;
      String format = null;
      String builtWith = null;
      for (Map.Entry<String, String> entry : writer.getLiveCommitData() == null ? List.<Map.Entry<String, String>>of() : writer.getLiveCommitData()) {
        if (entry.getKey().equals(SEQ)) {
          seq = Long.parseLong(entry.getValue());
        } else if (entry.getKey().equals(FORMAT_KEY)) {
          format = entry.getValue();
        } else if (entry.getKey().equals(ANALYSIS_KEY)) {
          builtWith = entry.getValue();
        }
      }
      if (writer.getDocStats().numDocs > 0 && !analysis.name().equals(builtWith)) {
        format = format + " with " + builtWith + " keyword analysis";
      }
      if (writer.getDocStats().numDocs > 0 && !(FORMAT.equals(format))) {
        // Built by a version that indexed differently: start over; the feed or the table refills it.
        log.info("memory search index at {} has format {}, this version writes {}: rebuilding it", path, format, FORMAT);
        writer.deleteAll();
        seq = 0;
      }
      appliedSeq = seq;
      committedSeq = seq;
      searchers = new SearcherManager(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the memory search index at " + path, e);
    }
  }

  /** Last change-feed sequence applied (visible to searches). */
  public long appliedSeq() {
    return appliedSeq;
  }

  /** Last change-feed sequence durably committed; a restart resumes after it. */
  public long committedSeq() {
    return committedSeq;
  }

  /** Applies upserts and deletes up to feed position {@code seq} and makes them searchable. */
  public void apply(Collection<IndexedMemory> upserts, Collection<String> deletes, long seq) {
    try {
      for (String id : deletes) {
        writer.deleteDocuments(new Term("id", id));
      }
      for (IndexedMemory memory : upserts) {
        writer.updateDocument(new Term("id", memory.id()), IndexSchema.document(memory, analysis));
      }
      appliedSeq = Math.max(appliedSeq, seq);
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes every document (before a full rebuild). */
  void deleteAll() {
    try {
      writer.deleteAll();
      appliedSeq = 0;
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the feed position after a full rebuild that read the table as of {@code seq}. */
  void resetSeq(long seq) {
    appliedSeq = seq;
  }

  /** Re-adds every memory of a tenant: deletes the tenant's documents first. */
  public void deleteTenant(String tenantId) {
    try {
      writer.deleteDocuments(new Term("tenant", tenantId));
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes everything applied so far durable, recording the feed position. */
  public synchronized void commit() {
    long seq = appliedSeq;
    if (seq == committedSeq && !writer.hasUncommittedChanges()) {
      return;
    }
    try {
      writer.setLiveCommitData(Map.of(SEQ, Long.toString(seq), FORMAT_KEY, FORMAT, ANALYSIS_KEY, analysis.name()).entrySet());
      writer.commit();
      committedSeq = seq;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * BM25 ranking of the filtered memories for {@code text}, scored with the statistics of the
   * filter's tenant only ({@link TenantTerms}); empty when no term is searchable.
   */
  public List<Hit> keyword(SearchFilter filter, String text, int k) {
    return keyword(filter, text, k, null, null);
  }

  /**
   * {@link #keyword(SearchFilter, String, int)}, with each hit's cosine similarity to {@code
   * vector} read from its stored {@code model} vector (NaN for hits embedded by another model), so
   * a fusion can score keyword hits the vector ranking did not reach.
   */
  public List<Hit> keyword(SearchFilter filter, String text, int k, String model, float[] vector) {
    String tenantKey = TenantTerms.key(filter.tenantId());
    Query terms = keywordTerms(tenantKey, text);
    if (terms == null) {
      return List.of();
    }
    Query query = new BooleanQuery.Builder().add(terms, Occur.MUST).add(filter(filter), Occur.FILTER).build();
    try {
      IndexSearcher shared = searchers.acquire();
      try {
        IndexSearcher searcher = TenantTerms.searcher(shared.getIndexReader(), tenantKey, similarity);
        ScoreDoc[] docs = searcher.search(query, k).scoreDocs;
        List<Hit> hits = hits(searcher, docs);
        return vector == null ? hits : withSimilarities(searcher, docs, hits, IndexSchema.vectorField(model), vector);
      } finally {
        searchers.release(shared);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The BM25 score a memory would get by containing each of the query's terms once (of any length
   * without length normalization, {@link KeywordQueries}; of average length with it; terms the
   * tenant's memories never use count for nothing): the sum over those terms of
   * idf / (1 + k1), with the tenant's statistics. Dividing a keyword score by it says how much of
   * the query a memory matches, whatever the query's length or the rarity of its words; 0 when no
   * term of the query occurs.
   */
  public double keywordCeiling(SearchFilter filter, String text) {
    String tenantKey = TenantTerms.key(filter.tenantId());
    java.util.Set<Term> terms = new java.util.LinkedHashSet<>();
    Query query = keywordTerms(tenantKey, text);
    if (query == null) {
      return 0;
    }
    query.visit(org.apache.lucene.search.QueryVisitor.termCollector(terms));
    try {
      IndexSearcher shared = searchers.acquire();
      try {
        IndexSearcher searcher = TenantTerms.searcher(shared.getIndexReader(), tenantKey, similarity);
        org.apache.lucene.search.CollectionStatistics collection = searcher.collectionStatistics("text");
        if (collection == null) {
          return 0;
        }
        double ceiling = 0;
        for (Term term : terms) {
          int df = searcher.getIndexReader().docFreq(term);
          if (df > 0) {
            double n = collection.docCount();
            ceiling += Math.log(1 + (n - df + 0.5) / (df + 0.5)) / (1 + BM25_K1);
          }
        }
        return ceiling;
      } finally {
        searchers.release(shared);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The query's keyword terms in the tenant, any of which may match; null when it has none. A query
   * made of question words only ("What was that?") keeps them rather than match nothing.
   */
  private Query keywordTerms(String tenantKey, String text) {
    Query terms = null;
    if (queries.dropQuestionWords()) {
      try (Analyzer query = TenantTerms.queryAnalyzer(analysis, tenantKey, true)) {
        terms = new QueryBuilder(query).createBooleanQuery("text", text, Occur.SHOULD);
      }
    }
    if (terms == null) {
      try (Analyzer plain = TenantTerms.queryAnalyzer(analysis, tenantKey, false)) {
        terms = new QueryBuilder(plain).createBooleanQuery("text", text, Occur.SHOULD);
      }
    }
    return terms;
  }

  /** Approximate (HNSW) nearest neighbours among filtered memories embedded by {@code model}. */
  public List<Hit> vector(SearchFilter filter, String model, float[] vector, int k) {
    return search(new KnnFloatVectorQuery(IndexSchema.vectorField(model), vector, k, filter(filter)), k, null);
  }

  /** Nearest neighbour in exactly one scope (empty agent/session meaning empty), for dedupe. */
  public List<Hit> nearestInScope(SearchFilter scope, String model, float[] vector, int k) {
    return search(new KnnFloatVectorQuery(IndexSchema.vectorField(model), vector, k, filter(exactly(scope), scope)), k, null);
  }

  /**
   * Memories of exactly one scope (empty agent/session meaning empty) whose text is equal to
   * {@code text} after normalization ({@link TextKey}), for exact deduplication. The text's term
   * stays outside the cached scope filter: it leads the conjunction, and a bit set per text would
   * only push the scopes' reusable ones out of the cache.
   */
  public List<Hit> sameTextInScope(SearchFilter scope, String text, int k) {
    Query sameText =
        new BooleanQuery.Builder()
            .add(filter(exactly(scope), scope), Occur.FILTER)
            .add(new TermQuery(new Term("textkey", TextKey.of(text))), Occur.FILTER)
            .build();
    return search(new ConstantScoreQuery(sameText), k, null);
  }

  /** How many scope bit sets the filter cache holds now. */
  int cachedScopes() {
    return scopes.size();
  }

  /** The conditions of exactly one scope: its filter, and its agent and session even when empty. */
  private static Query exactly(SearchFilter scope) {
    return new BooleanQuery.Builder()
        .add(IndexSchema.scope(scope), Occur.FILTER)
        .add(new TermQuery(new Term("agent", scope.agentId())), Occur.FILTER)
        .add(new TermQuery(new Term("session", scope.sessionId())), Occur.FILTER)
        .build();
  }

  /**
   * The memories stored just before and just after memory {@code id} in its own session (same
   * agent and session, ordered by occurredAt, then by storing order), among those {@code filter}
   * lets through: up to {@code before} preceding ones, nearest first, then up to {@code after}
   * following ones, nearest first. Empty for a memory without a session.
   */
  public Neighbours neighbours(SearchFilter filter, String id, int before, int after) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        TopDocs self = searcher.search(new TermQuery(new Term("id", id)), 1);
        if (self.scoreDocs.length == 0) {
          return Neighbours.NONE;
        }
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int doc = self.scoreDocs[0].doc;
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        int local = doc - leaf.docBase;
        String session = string(leaf, "session", local);
        if (session.isEmpty()) {
          return Neighbours.NONE;
        }
        String agent = string(leaf, "agent", local);
        long occurred = number(leaf, "occurred", local);
        long ordinal = number(leaf, "ordinal", local);
        Query sameSession =
            new BooleanQuery.Builder()
                .add(filter(filter), Occur.FILTER)
                .add(new TermQuery(new Term("agent", agent)), Occur.FILTER)
                .add(new TermQuery(new Term("session", session)), Occur.FILTER)
                .build();
        return new Neighbours(
            side(searcher, sameSession, occurred, ordinal, true, before),
            side(searcher, sameSession, occurred, ordinal, false, after));
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The turns around a memory in its session.
   *
   * @param before preceding memories, nearest first
   * @param after following memories, nearest first
   */
  public record Neighbours(List<Hit> before, List<Hit> after) {
    static final Neighbours NONE = new Neighbours(List.of(), List.of());
  }

  private List<Hit> side(IndexSearcher searcher, Query sameSession, long occurred, long ordinal, boolean earlier, int k)
      throws IOException {
    if (k <= 0) {
      return List.of();
    }
    Query strictly =
        earlier
            ? LongField.newRangeQuery("occurred", Long.MIN_VALUE, occurred - 1)
            : LongField.newRangeQuery("occurred", occurred + 1, Long.MAX_VALUE);
    Query sameTime =
        new BooleanQuery.Builder()
            .add(LongField.newExactQuery("occurred", occurred), Occur.FILTER)
            .add(
                earlier
                    ? LongField.newRangeQuery("ordinal", Long.MIN_VALUE, ordinal - 1)
                    : LongField.newRangeQuery("ordinal", ordinal + 1, Long.MAX_VALUE),
                Occur.FILTER)
            .build();
    Query query =
        new BooleanQuery.Builder()
            .add(sameSession, Occur.FILTER)
            .add(new BooleanQuery.Builder().add(strictly, Occur.SHOULD).add(sameTime, Occur.SHOULD).setMinimumNumberShouldMatch(1).build(), Occur.FILTER)
            .build();
    Sort order =
        new Sort(
            new SortedNumericSortField("occurred", SortField.Type.LONG, earlier),
            new SortedNumericSortField("ordinal", SortField.Type.LONG, earlier));
    return hits(searcher, searcher.search(query, k, order).scoreDocs);
  }

  private static String string(LeafReaderContext leaf, String field, int doc) throws IOException {
    SortedDocValues values = DocValues.getSorted(leaf.reader(), field);
    return values.advanceExact(doc) ? values.lookupOrd(values.ordValue()).utf8ToString() : "";
  }

  private static long number(LeafReaderContext leaf, String field, int doc) throws IOException {
    SortedNumericDocValues values = DocValues.getSortedNumeric(leaf.reader(), field);
    return values.advanceExact(doc) ? values.nextValue() : 0;
  }

  /**
   * Filtered memories newest first by occurredAt (ties by id), after the keyset position
   * ({@code afterMillis}, {@code afterId}) when given.
   */
  public List<Hit> recent(SearchFilter filter, Long afterMillis, String afterId, int k) {
    BooleanQuery.Builder query = new BooleanQuery.Builder().add(filter(filter), Occur.FILTER);
    if (afterMillis != null) {
      Query older = LongField.newRangeQuery("occurred", Long.MIN_VALUE, afterMillis - 1);
      Query sameTimeLaterId =
          new BooleanQuery.Builder()
              .add(LongField.newExactQuery("occurred", afterMillis), Occur.FILTER)
              .add(new TermRangeQuery("id", new BytesRef(afterId), null, false, false), Occur.FILTER)
              .build();
      query.add(
          new BooleanQuery.Builder()
              .add(older, Occur.SHOULD)
              .add(sameTimeLaterId, Occur.SHOULD)
              .setMinimumNumberShouldMatch(1)
              .build(),
          Occur.FILTER);
    }
    Sort sort = new Sort(new SortedNumericSortField("occurred", SortField.Type.LONG, true), new SortField("id", SortField.Type.STRING));
    return search(query.build(), k, sort);
  }

  /** Merges into at most {@code segments} segments and commits, after a bulk load. */
  public void forceMerge(int segments) {
    try {
      writer.forceMerge(segments);
      commit();
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets the merge policy pick merges now (they run in the background; close waits for them). */
  public void maybeMerge() {
    try {
      writer.maybeMerge();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of segments searches visit (for operators and benchmarks). */
  public int segmentCount() {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.getIndexReader().leaves().size();
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of memories the filter lets through. */
  public int count(SearchFilter filter) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.count(filter(filter));
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of documents (for operators and tests). */
  public int size() {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return searcher.getIndexReader().numDocs();
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes without committing, as a crash would: work since the last commit is lost. */
  public void abandon() {
    try {
      searchers.close();
      writer.rollback();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      commit();
      searchers.close();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The filter as one query whose time-independent part is cached per segment. */
  private Query filter(SearchFilter filter) {
    return filter(IndexSchema.scope(filter), filter);
  }

  private Query filter(Query scope, SearchFilter filter) {
    return new ScopeFilter(scope, filter.includeExpired() ? Long.MIN_VALUE : filter.now().toEpochMilli(), scopes);
  }

  private List<Hit> search(Query query, int k, Sort sort) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        TopDocs top = sort == null ? searcher.search(query, k) : searcher.search(query, k, sort);
        return hits(searcher, top.scoreDocs);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The hits with the dot product of their stored vectors and {@code vector} (unit vectors). */
  private static List<Hit> withSimilarities(
      IndexSearcher searcher, ScoreDoc[] docs, List<Hit> hits, String field, float[] vector) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Vector values iterate forward only: visit the hits in doc id order.
    java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> docs[i].doc));
    List<Hit> result = new ArrayList<>(hits);
    int leafIndex = -1;
    org.apache.lucene.index.FloatVectorValues values = null;
    for (int i : order) {
      int doc = docs[i].doc;
      int leaf = ReaderUtil.subIndex(doc, leaves);
      if (leaf != leafIndex) {
        leafIndex = leaf;
        values = leaves.get(leaf).reader().getFloatVectorValues(field);
      }
      if (values == null) {
        continue;
      }
      int local = doc - leaves.get(leaf).docBase;
      if (values.docID() < local) {
        values.advance(local);
      }
      if (values.docID() == local) {
        float[] stored = values.vectorValue();
        double dot = 0;
        for (int d = 0; d < Math.min(stored.length, vector.length); d++) {
          dot += stored[d] * vector[d];
        }
        result.set(i, hits.get(i).withSimilarity(dot));
      }
    }
    return result;
  }

  private static List<Hit> hits(IndexSearcher searcher, ScoreDoc[] docs) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    List<Hit> hits = new ArrayList<>(docs.length);
    for (ScoreDoc doc : docs) {
      int leafIndex = ReaderUtil.subIndex(doc.doc, leaves);
      LeafReaderContext leaf = leaves.get(leafIndex);
      int local = doc.doc - leaf.docBase;
      // Doc values iterate forward only, so each hit gets fresh iterators of its leaf.
      SortedNumericDocValues occurred = DocValues.getSortedNumeric(leaf.reader(), "occurred");
      NumericDocValues importance = DocValues.getNumeric(leaf.reader(), "importance");
      NumericDocValues timed = DocValues.getNumeric(leaf.reader(), IndexSchema.TIME_MENTION);
      NumericDocValues asking = DocValues.getNumeric(leaf.reader(), IndexSchema.MOSTLY_ASKS);
      SortedDocValues ids = DocValues.getSorted(leaf.reader(), "id");
      String id = ids.advanceExact(local) ? ids.lookupOrd(ids.ordValue()).utf8ToString() : "";
      long occurredMillis = occurred.advanceExact(local) ? occurred.nextValue() : 0;
      double weight = importance.advanceExact(local) ? Double.longBitsToDouble(importance.longValue()) : 0;
      boolean mentionsTime = timed.advanceExact(local) && timed.longValue() == 1;
      boolean mostlyAsks = asking.advanceExact(local) && asking.longValue() == 1;
      hits.add(new Hit(id, Float.isNaN(doc.score) ? 0 : doc.score, occurredMillis, weight, Double.NaN, mentionsTime, mostlyAsks));
    }
    return hits;
  }

}
