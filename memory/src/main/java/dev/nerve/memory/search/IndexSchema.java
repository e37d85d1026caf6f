package dev.nerve.memory.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleDocValuesField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * The fields of a memory document and the filter queries over them, in one place so the two
 * cannot drift apart. Vectors live in one field per embedding model, so vectors of different
 * models are never compared.
 */
final class IndexSchema {

  private static final char SEP = '\u0000';
  static final int MAX_META_TERM_BYTES = 1024;
  /** Doc value 1 on memories whose text says when something happened ({@link TimeLanguage}). */
  static final String TIME_MENTION = "time_mention";
  /** Doc value 1 on memories whose text mostly asks ({@link QuestionShape}). */
  static final String MOSTLY_ASKS = "mostly_asks";
  /** Starts with a control character, which canonical JSON never does, so no value can collide. */
  private static final String DIGEST_PREFIX = "\u0000sha256:";

  private IndexSchema() {}

  static String vectorField(String model) {
    return "vec." + model;
  }

  /**
   * The indexed term of a metadata value: the canonical JSON itself, or, when that is longer than
   * {@value #MAX_META_TERM_BYTES} bytes (Lucene refuses terms over 32766), a SHA-256 digest of it,
   * so equality filters still match exactly.
   */
  static String metaTerm(String canonicalJson) {
    byte[] bytes = canonicalJson.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_META_TERM_BYTES) {
      return canonicalJson;
    }
    try {
      return DIGEST_PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }

  /** The conditions of a filter that do not depend on the instant of the search. */
  static Query scope(SearchFilter f) {
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    query.add(new TermQuery(new Term("owner", f.tenantId() + SEP + f.userId())), Occur.FILTER);
    if (!f.agentId().isEmpty()) {
      query.add(new TermQuery(new Term("agent", f.agentId())), Occur.FILTER);
    }
    if (!f.sessionId().isEmpty()) {
      query.add(new TermQuery(new Term("session", f.sessionId())), Occur.FILTER);
    }
    if (!f.tagsAny().isEmpty()) {
      BooleanQuery.Builder any = new BooleanQuery.Builder();
      f.tagsAny().forEach(tag -> any.add(new TermQuery(new Term("tag", tag)), Occur.SHOULD));
      query.add(any.setMinimumNumberShouldMatch(1).build(), Occur.FILTER);
    }
    f.tagsAll().forEach(tag -> query.add(new TermQuery(new Term("tag", tag)), Occur.FILTER));
    f.metadataEquals()
        .forEach((key, value) -> query.add(new TermQuery(new Term("meta." + key, metaTerm(value))), Occur.FILTER));
    if (f.createdFrom() != null || f.createdTo() != null) {
      query.add(range("created", f.createdFrom(), f.createdTo()), Occur.FILTER);
    }
    if (f.updatedFrom() != null || f.updatedTo() != null) {
      query.add(range("updated", f.updatedFrom(), f.updatedTo()), Occur.FILTER);
    }
    if (f.occurredFrom() != null || f.occurredTo() != null) {
      query.add(range("occurred", f.occurredFrom(), f.occurredTo()), Occur.FILTER);
    }
    return query.build();
  }

  /** Memories that expire after {@code epochMillis} (or never). */
  static Query notExpired(long epochMillis) {
    return LongField.newRangeQuery("expires", epochMillis + 1, Long.MAX_VALUE);
  }

  private static Query range(String field, Instant from, Instant to) {
    long lower = from == null ? Long.MIN_VALUE : from.toEpochMilli();
    long upper = to == null ? Long.MAX_VALUE : to.toEpochMilli() - 1;
    return LongField.newRangeQuery(field, lower, upper);
  }

  static Document document(IndexedMemory m, KeywordAnalysis analysis) {
    Document doc = new Document();
    doc.add(new StringField("id", m.id(), Field.Store.YES));
    doc.add(new SortedDocValuesField("id", new BytesRef(m.id())));
    doc.add(new StringField("tenant", m.tenantId(), Field.Store.NO));
    doc.add(new StringField("owner", m.tenantId() + SEP + m.userId(), Field.Store.NO));
    doc.add(new StringField("agent", m.agentId(), Field.Store.NO));
    doc.add(new SortedDocValuesField("agent", new BytesRef(m.agentId())));
    doc.add(new StringField("session", m.sessionId(), Field.Store.NO));
    doc.add(new SortedDocValuesField("session", new BytesRef(m.sessionId())));
    m.tags().forEach(tag -> doc.add(new StringField("tag", tag, Field.Store.NO)));
    m.metadata().forEach((key, value) -> doc.add(new StringField("meta." + key, metaTerm(value), Field.Store.NO)));
    String tenantKey = TenantTerms.key(m.tenantId());
    doc.add(new TextField("text", TenantTerms.textTokens(analysis, tenantKey, m.text())));
    int length = TenantTerms.length(analysis, m.text());
    if (length > 0) {
      doc.add(new TextField(TenantTerms.STATS_FIELD, TenantTerms.lengthTokens(tenantKey, length)));
    }
    doc.add(new LongField("created", m.createdAt().toEpochMilli(), Field.Store.NO));
    doc.add(new LongField("updated", m.updatedAt().toEpochMilli(), Field.Store.NO));
    doc.add(new LongField("occurred", m.occurredAt().toEpochMilli(), Field.Store.NO));
    doc.add(new LongField("ordinal", m.ordinal(), Field.Store.NO));
    doc.add(new StringField("textkey", TextKey.of(m.text()), Field.Store.NO));
    doc.add(
        new LongField(
            "expires", m.expiresAt() == null ? Long.MAX_VALUE : m.expiresAt().toEpochMilli(), Field.Store.NO));
    doc.add(new DoubleDocValuesField("importance", m.importance()));
    if (TimeLanguage.mentionsTime(m.text())) {
      doc.add(new NumericDocValuesField(TIME_MENTION, 1));
    }
    if (QuestionShape.mostlyAsks(m.text())) {
      doc.add(new NumericDocValuesField(MOSTLY_ASKS, 1));
    }
    doc.add(new KnnFloatVectorField(vectorField(m.model()), m.vector(), VectorSimilarityFunction.DOT_PRODUCT));
    return doc;
  }
}
