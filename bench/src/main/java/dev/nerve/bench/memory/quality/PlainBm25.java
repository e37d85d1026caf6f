package dev.nerve.bench.memory.quality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * The baseline every mode is compared with: Lucene's stock BM25 (standard analyzer, default k1
 * and b) over the same turn texts, restricted to the question's conversation, nothing else.
 */
final class PlainBm25 implements AutoCloseable {

  private final StandardAnalyzer analyzer = new StandardAnalyzer();
  private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  PlainBm25(List<ChatCorpus.Conversation> conversations) {
    try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzer))) {
      for (ChatCorpus.Conversation c : conversations) {
        for (ChatCorpus.Turn turn : c.turns()) {
          Document doc = new Document();
          doc.add(new StringField("conversation", c.id(), Field.Store.NO));
          doc.add(new StoredField("id", turn.id()));
          doc.add(new TextField("text", turn.memoryText(), Field.Store.NO));
          writer.addDocument(doc);
        }
      }
      writer.commit();
      reader = DirectoryReader.open(directory);
      searcher = new IndexSearcher(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Turn ids of the best {@code k} turns of the conversation for the question. */
  List<String> search(String conversation, String question, int k) {
    Query terms = new QueryBuilder(analyzer).createBooleanQuery("text", question, Occur.SHOULD);
    if (terms == null) {
      return List.of();
    }
    Query query =
        new BooleanQuery.Builder()
            .add(terms, Occur.MUST)
            .add(new TermQuery(new Term("conversation", conversation)), Occur.FILTER)
            .build();
    try {
      List<String> ids = new ArrayList<>();
      for (ScoreDoc doc : searcher.search(query, k).scoreDocs) {
        ids.add(searcher.storedFields().document(doc.doc).get("id"));
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    reader.close();
    directory.close();
  }
}
