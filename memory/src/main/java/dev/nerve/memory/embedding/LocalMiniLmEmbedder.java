package dev.nerve.memory.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 run locally through ONNX Runtime: the model ships inside the langchain4j jar,
 * so embeddings need no network and no API key. One model instance per JVM, loaded on first use.
 */
final class LocalMiniLmEmbedder implements Embedder {

  static final String MODEL = "all-minilm-l6-v2";
  private static final int DIMENSION = 384;

  private final int batchSize;

  LocalMiniLmEmbedder(int batchSize) {
    this.batchSize = batchSize;
  }

  private static final class Holder {
    static final AllMiniLmL6V2EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
  }

  /** Loads the model in the background so the first request does not pay for it (seconds). */
  void warmUpInBackground() {
    Thread loader = new Thread(() -> embed(List.of("warm-up")), "embedding-model-loader");
    loader.setDaemon(true);
    loader.start();
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    List<float[]> vectors = new ArrayList<>(texts.size());
    for (int start = 0; start < texts.size(); start += batchSize) {
      List<TextSegment> batch =
          texts.subList(start, Math.min(texts.size(), start + batchSize)).stream()
              .map(TextSegment::from)
              .toList();
      for (Embedding embedding : Holder.MODEL.embedAll(batch).content()) {
        vectors.add(Embedder.normalize(embedding.vector()));
      }
    }
    return vectors;
  }
}
