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

  /**
   * Version of the document schema and codec, changed whenever either changes in a way that makes
   * an index built before it differ. It is committed with the index; an index of another format is
   * emptied on open and rebuilt (tools that keep built indexes key them by it too).
   */
  public static final String FORMAT = "v4-hnsw-f32";

  /** Memory for cached scope bit sets (about 125 KB per scope and million memories). */
  private static final long SCOPE_CACHE_BYTES = 64L << 20;

  private final Analyzer analyzer = new StandardAnalyzer();
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
   */
  public record Hit(String id, float score, long occurredMillis, double importance) {}

  public SearchIndex(Path path) {
    this(path, 64);
  }

  /** An index with a larger indexing buffer, for bulk loads (fewer, larger segments). */
  public SearchIndex(Path path, double ramBufferMb) {
    try {
      directory = FSDirectory.open(path);
      IndexWriterConfig config = new IndexWriterConfig(analyzer);
      config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      config.setRAMBufferSizeMB(ramBufferMb);
      writer = new IndexWriter(directory, config);
      long seq = 0;
      String format = null;
      for (Map.Entry<String, String> entry : writer.getLiveCommitData() == null ? List.<Map.Entry<String, String>>of() : writer.getLiveCommitData()) {
        if (entry.getKey().equals(SEQ)) {
          seq = Long.parseLong(entry.getValue());
        } else if (entry.getKey().equals(FORMAT_KEY)) {
          format = entry.getValue();
        }
      }
      if (writer.getDocStats().numDocs > 0 && !FORMAT.equals(format)) {
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
        writer.updateDocument(new Term("id", memory.id()), IndexSchema.document(memory));
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
      writer.setLiveCommitData(Map.of(SEQ, Long.toString(seq), FORMAT_KEY, FORMAT).entrySet());
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
    String tenantKey = TenantTerms.key(filter.tenantId());
    Query terms;
    try (Analyzer tenantAnalyzer = TenantTerms.analyzer(tenantKey)) {
      terms = new QueryBuilder(tenantAnalyzer).createBooleanQuery("text", text, Occur.SHOULD);
    }
    if (terms == null) {
      return List.of();
    }
    Query query = new BooleanQuery.Builder().add(terms, Occur.MUST).add(filter(filter), Occur.FILTER).build();
    try {
      IndexSearcher shared = searchers.acquire();
      try {
        IndexSearcher searcher = TenantTerms.searcher(shared.getIndexReader(), tenantKey);
        return hits(searcher, searcher.search(query, k).scoreDocs);
      } finally {
        searchers.release(shared);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Approximate (HNSW) nearest neighbours among filtered memories embedded by {@code model}. */
  public List<Hit> vector(SearchFilter filter, String model, float[] vector, int k) {
    return search(new KnnFloatVectorQuery(IndexSchema.vectorField(model), vector, k, filter(filter)), k, null);
  }

  /** Nearest neighbour in exactly one scope (empty agent/session meaning empty), for dedupe. */
  public List<Hit> nearestInScope(SearchFilter scope, String model, float[] vector, int k) {
    Query exact =
        new BooleanQuery.Builder()
            .add(IndexSchema.scope(scope), Occur.FILTER)
            .add(new TermQuery(new Term("agent", scope.agentId())), Occur.FILTER)
            .add(new TermQuery(new Term("session", scope.sessionId())), Occur.FILTER)
            .build();
    return search(new KnnFloatVectorQuery(IndexSchema.vectorField(model), vector, k, filter(exact, scope)), k, null);
  }

  /**
   * Memories of exactly one scope (empty agent/session meaning empty) whose text is equal to
   * {@code text} after normalization ({@link TextKey}), for exact deduplication.
   */
  public List<Hit> sameTextInScope(SearchFilter scope, String text, int k) {
    Query exact =
        new BooleanQuery.Builder()
            .add(IndexSchema.scope(scope), Occur.FILTER)
            .add(new TermQuery(new Term("agent", scope.agentId())), Occur.FILTER)
            .add(new TermQuery(new Term("session", scope.sessionId())), Occur.FILTER)
            .add(new TermQuery(new Term("textkey", TextKey.of(text))), Occur.FILTER)
            .build();
    return search(new org.apache.lucene.search.ConstantScoreQuery(filter(exact, scope)), k, null);
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
      SortedDocValues ids = DocValues.getSorted(leaf.reader(), "id");
      String id = ids.advanceExact(local) ? ids.lookupOrd(ids.ordValue()).utf8ToString() : "";
      long occurredMillis = occurred.advanceExact(local) ? occurred.nextValue() : 0;
      double weight = importance.advanceExact(local) ? Double.longBitsToDouble(importance.longValue()) : 0;
      hits.add(new Hit(id, Float.isNaN(doc.score) ? 0 : doc.score, occurredMillis, weight));
    }
    return hits;
  }

}
