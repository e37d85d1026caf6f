package dev.nerve.memory.search;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.ConjunctionUtils;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSet;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.NumericUtils;

/**
 * The filter of a search as one query whose time-independent part (tenant, user, scope, tags,
 * metadata, date ranges) is kept per segment as a bit set, so repeated searches of the same scope
 * do not walk the postings of every matching memory again. The expiry condition depends on the
 * search's instant and is applied on top, only in segments that hold a memory expiring after it;
 * elsewhere the cached bit set is handed to the vector search as is, without a copy.
 *
 * <p>Segments never change once written (deletes are applied separately through live docs), so
 * an entry stays valid until its segment is merged away, when it is dropped.
 */
final class ScopeFilter extends Query {

  private final Query scope;
  private final long notExpiredAt;
  private final Cache cache;

  /**
   * @param scope the time-independent conditions
   * @param notExpiredAt only memories expiring after this epoch millisecond pass; {@code
   *     Long.MIN_VALUE} for no expiry condition
   */
  ScopeFilter(Query scope, long notExpiredAt, Cache cache) {
    this.scope = scope;
    this.notExpiredAt = notExpiredAt;
    this.cache = cache;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
    Weight scopeWeight = searcher.createWeight(searcher.rewrite(scope), ScoreMode.COMPLETE_NO_SCORES, 1);
    return new ConstantScoreWeight(this, boost) {
      @Override
      public Scorer scorer(LeafReaderContext context) throws IOException {
        BitSet bits = cache.bits(context, scope, scopeWeight);
        if (bits == null) {
          return null;
        }
        DocIdSetIterator matching = new BitSetIterator(bits, bits.approximateCardinality());
        if (notExpiredAt != Long.MIN_VALUE && !noneExpiresBy(context)) {
          Scorer unexpired =
              IndexSchema.notExpired(notExpiredAt)
                  .createWeight(searcher, ScoreMode.COMPLETE_NO_SCORES, 1)
                  .scorer(context);
          if (unexpired == null) {
            return null;
          }
          matching = ConjunctionUtils.intersectIterators(List.of(matching, unexpired.iterator()));
        }
        return new ConstantScoreScorer(this, score(), scoreMode, matching);
      }

      @Override
      public boolean isCacheable(LeafReaderContext context) {
        // Cached here already; the searcher's query cache would only keep a second copy.
        return false;
      }
    };
  }

  /** Whether every memory of the segment expires after the instant (or never). */
  private boolean noneExpiresBy(LeafReaderContext context) throws IOException {
    PointValues points = context.reader().getPointValues("expires");
    if (points == null) {
      return true;
    }
    return points.getDocCount() == context.reader().maxDoc()
        && NumericUtils.sortableBytesToLong(points.getMinPackedValue(), 0) > notExpiredAt;
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public String toString(String field) {
    return "ScopeFilter(" + scope.toString(field) + (notExpiredAt == Long.MIN_VALUE ? "" : ", expires>" + notExpiredAt) + ")";
  }

  @Override
  public boolean equals(Object other) {
    return sameClassAs(other)
        && scope.equals(((ScopeFilter) other).scope)
        && notExpiredAt == ((ScopeFilter) other).notExpiredAt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), scope, notExpiredAt);
  }

  /**
   * Bit sets of scopes per segment, least recently used dropped beyond a memory budget; a
   * segment's entries go when the segment closes.
   */
  static final class Cache {

    private final long maxBytes;
    private final Map<Object, Map<Query, BitSet>> bySegment = new IdentityHashMap<>();
    private final LinkedHashMap<Entry, Long> lru = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    private record Entry(Object segment, Query scope) {}

    Cache(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    BitSet bits(LeafReaderContext context, Query scope, Weight weight) throws IOException {
      IndexReader.CacheHelper helper = context.reader().getCoreCacheHelper();
      Object segment = helper == null ? null : helper.getKey();
      if (segment != null) {
        synchronized (this) {
          Map<Query, BitSet> sets = bySegment.get(segment);
          BitSet cached = sets == null ? null : sets.get(scope);
          if (cached != null) {
            lru.get(new Entry(segment, scope));
            return cached;
          }
        }
      }
      Scorer scorer = weight.scorer(context);
      if (scorer == null) {
        return null;
      }
      BitSet bits = BitSet.of(scorer.iterator(), context.reader().maxDoc());
      if (segment != null) {
        put(helper, segment, scope, bits);
      }
      return bits;
    }

    private synchronized void put(IndexReader.CacheHelper helper, Object segment, Query scope, BitSet bits) {
      Map<Query, BitSet> sets = bySegment.get(segment);
      if (sets == null) {
        sets = new java.util.HashMap<>();
        bySegment.put(segment, sets);
        helper.addClosedListener(this::dropSegment);
      }
      if (sets.putIfAbsent(scope, bits) != null) {
        return;
      }
      long size = bits.ramBytesUsed();
      lru.put(new Entry(segment, scope), size);
      bytes += size;
      var oldest = lru.entrySet().iterator();
      while (bytes > maxBytes && oldest.hasNext()) {
        var eldest = oldest.next();
        oldest.remove();
        bytes -= eldest.getValue();
        Map<Query, BitSet> of = bySegment.get(eldest.getKey().segment());
        if (of != null) {
          of.remove(eldest.getKey().scope());
        }
      }
    }

    /** How many bit sets are kept (all segments together). */
    synchronized int size() {
      return lru.size();
    }

    private synchronized void dropSegment(IndexReader.CacheKey segment) {
      Map<Query, BitSet> sets = bySegment.remove(segment);
      if (sets != null) {
        for (Query scope : sets.keySet()) {
          Long size = lru.remove(new Entry(segment, scope));
          bytes -= size == null ? 0 : size;
        }
      }
    }
  }
}
