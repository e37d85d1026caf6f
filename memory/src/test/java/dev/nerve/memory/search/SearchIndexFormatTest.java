package dev.nerve.memory.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index keeps its feed position across restarts, unless another format built it. */
class SearchIndexFormatTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private static SearchFilter alice() {
    return new SearchFilter("t", "alice", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, T0);
  }

  @Test
  void anIndexOfThisFormatIsReopenedAsItWas() {
    try (SearchIndex index = new SearchIndex(dir)) {
      index.apply(
          List.of(new IndexedMemory("m1", "t", "alice", "", "", "apple", List.of(), Map.of(), 0.5, T0, T0, null, "m", new float[] {1, 0})),
          List.of(),
          7);
      index.commit();
    }
    try (SearchIndex reopened = new SearchIndex(dir)) {
      assertThat(reopened.appliedSeq()).isEqualTo(7);
      assertThat(reopened.count(alice())).isEqualTo(1);
    }
  }

  @Test
  void anIndexOfAnotherFormatIsEmptiedSoTheFeedRebuildsIt() throws Exception {
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter old = new IndexWriter(directory, new IndexWriterConfig(new StandardAnalyzer()))) {
      Document doc = new Document();
      doc.add(new StringField("id", "m-old", Field.Store.YES));
      doc.add(new StringField("tenant", "t", Field.Store.NO));
      doc.add(new StringField("owner", "t\u0000alice", Field.Store.NO));
      doc.add(new LongField("expires", Long.MAX_VALUE, Field.Store.NO));
      old.addDocument(doc);
      old.setLiveCommitData(Map.of("nerve.seq", "42").entrySet());
      old.commit();
    }
    try (SearchIndex index = new SearchIndex(dir)) {
      assertThat(index.appliedSeq()).isZero();
      assertThat(index.count(alice())).isZero();
    }
  }
}
