package dev.nerve.memory.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.BytesRef;

/**
 * Keyword statistics per tenant inside one shared index. Every term of a memory's text is indexed
 * with its tenant's key in front ({@code <key>\u001f<term>}), so a term's document frequency is
 * counted within the tenant only; and a second field holds one term per tenant whose frequency in
 * a document is that document's length, so the tenant's document count and total length (BM25's
 * collection statistics) are two dictionary lookups. Searches score with {@link #searcher}, which
 * answers the collection statistics of the text field from that term. A tenant's BM25 scores
 * therefore depend on its own memories only, not on what other tenants write (issue: a side
 * channel and unstable rankings).
 *
 * <p>One index for every tenant keeps one set of files, one writer and one reader: an index per
 * tenant would cost file handles, a writer buffer and a searcher per tenant (measured in
 * docs/benchmarks.md). Within a tenant, users, agents and sessions share the statistics.
 */
final class TenantTerms {

  /** Field with one term per tenant: its frequency in a document is the document's length. */
  static final String STATS_FIELD = "textstats";

  private static final char SEPARATOR = '\u001f';

  private TenantTerms() {}

  /** A short, stable key of a tenant (the first 64 bits of SHA-256 of its id, base64url). */
  static String key(String tenantId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenantId.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /**
   * The query analyzer ({@code analysis}, with its query stop words when {@code questionWords})
   * with the tenant's key before each term.
   */
  static Analyzer queryAnalyzer(KeywordAnalysis analysis, String tenantKey, boolean questionWords) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String field) {
        Tokenizer source = new StandardTokenizer();
        TokenStream terms = questionWords ? analysis.queryFilter(source) : analysis.filter(source);
        return new TokenStreamComponents(source, new Prefix(terms, tenantKey + SEPARATOR));
      }

      @Override
      protected TokenStream normalize(String field, TokenStream in) {
        return new LowerCaseFilter(in);
      }
    };
  }

  /** A fresh token stream of {@code text} as the text field indexes it, for one document. */
  static TokenStream textTokens(KeywordAnalysis analysis, String tenantKey, String text) {
    Tokenizer source = new StandardTokenizer();
    source.setReader(new java.io.StringReader(text));
    return new Prefix(analysis.filter(source), tenantKey + SEPARATOR);
  }

  /** Number of terms the text field indexes of {@code text} (the document's length for BM25). */
  static int length(KeywordAnalysis analysis, String text) {
    try (TokenStream tokens = textTokens(analysis, "", text)) {
      tokens.reset();
      int count = 0;
      while (tokens.incrementToken()) {
        count++;
      }
      tokens.end();
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stats field's token stream: the tenant's key, {@code length} times. */
  static TokenStream lengthTokens(String tenantKey, int length) {
    return new TokenStream() {
      private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
      private final PositionIncrementAttribute position = addAttribute(PositionIncrementAttribute.class);
      private int emitted;

      @Override
      public boolean incrementToken() {
        if (emitted >= length) {
          return false;
        }
        clearAttributes();
        term.setEmpty().append(tenantKey);
        position.setPositionIncrement(1);
        emitted++;
        return true;
      }

      @Override
      public void reset() throws IOException {
        super.reset();
        emitted = 0;
      }
    };
  }

  /** A searcher over {@code reader} scoring with {@code similarity} and the tenant's own text-field statistics. */
  static IndexSearcher searcher(IndexReader reader, String tenantKey, Similarity similarity) {
    IndexSearcher searcher = new IndexSearcher(reader) {
      @Override
      public CollectionStatistics collectionStatistics(String field) throws IOException {
        if (!field.equals("text")) {
          return super.collectionStatistics(field);
        }
        BytesRef key = new BytesRef(tenantKey);
        long docCount = 0;
        long length = 0;
        for (LeafReaderContext leaf : getIndexReader().leaves()) {
          Terms terms = leaf.reader().terms(STATS_FIELD);
          if (terms == null) {
            continue;
          }
          TermsEnum iterator = terms.iterator();
          if (iterator.seekExact(key)) {
            docCount += iterator.docFreq();
            length += iterator.totalTermFreq();
          }
        }
        if (docCount == 0) {
          return null;
        }
        return new CollectionStatistics(field, getIndexReader().maxDoc(), docCount, length, length);
      }
    };
    searcher.setSimilarity(similarity);
    return searcher;
  }

  /** Puts a fixed prefix before every term. */
  private static final class Prefix extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final String prefix;

    Prefix(TokenStream input, String prefix) {
      super(input);
      this.prefix = prefix;
    }

    @Override
    public boolean incrementToken() throws IOException {
      if (!input.incrementToken()) {
        return false;
      }
      String value = term.toString();
      term.setEmpty().append(prefix).append(value);
      return true;
    }
  }
}
