package dev.nerve.memory.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.nerve.memory.MemoryProperties.LocalModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * all-MiniLM-L6-v2 (float32 or int8-quantized) run locally through ONNX Runtime: the models ship
 * inside the langchain4j jars, so embeddings need no network and no API key. One instance of each
 * model per JVM, loaded on first use.
 *
 * <p>A batch is spread over one thread per core, each running one text at a time on an ONNX
 * session limited to one intra-op thread. ONNX Runtime's default (an intra-op pool as wide as the
 * machine in every concurrent call) oversubscribes the cores and measured slower. Texts are not
 * padded into one tensor: the quantized model quantizes activations per call, so a padded batch
 * would make a text's vector depend on the texts embedded with it.
 */
final class LocalMiniLmEmbedder implements Embedder {

  private static final int DIMENSION = 384;
  private static final Map<LocalModel, Encoder> LOADED = new EnumMap<>(LocalModel.class);

  private final LocalModel model;
  private final int batchSize;

  LocalMiniLmEmbedder(LocalModel model, int batchSize) {
    this.model = model;
    this.batchSize = batchSize;
  }

  /** Loads the model in the background so the first request does not pay for it (seconds). */
  void warmUpInBackground() {
    Thread loader = new Thread(() -> embed(List.of("warm-up")), "embedding-model-loader");
    loader.setDaemon(true);
    loader.start();
  }

  @Override
  public String model() {
    return model.modelName();
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    Encoder encoder = encoder(model);
    List<float[]> vectors = new ArrayList<>(texts.size());
    for (int start = 0; start < texts.size(); start += batchSize) {
      List<TextSegment> batch =
          texts.subList(start, Math.min(texts.size(), start + batchSize)).stream()
              .map(TextSegment::from)
              .toList();
      for (Embedding embedding : encoder.embedAll(batch).content()) {
        vectors.add(Embedder.normalize(embedding.vector()));
      }
    }
    return vectors;
  }

  private static Encoder encoder(LocalModel model) {
    synchronized (LOADED) {
      return LOADED.computeIfAbsent(model, Encoder::load);
    }
  }

  /** One model: an ONNX session with one intra-op thread, called from one thread per core. */
  private static final class Encoder extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder bert;

    private Encoder(ExecutorService executor, OnnxBertBiEncoder bert) {
      super(executor);
      this.bert = bert;
    }

    static Encoder load(LocalModel model) {
      // The model and tokenizer files sit at the root of the model's langchain4j jar.
      Class<?> anchor =
          switch (model) {
            case ALL_MINILM_L6_V2_Q -> AllMiniLmL6V2QuantizedEmbeddingModel.class;
            case ALL_MINILM_L6_V2 -> AllMiniLmL6V2EmbeddingModel.class;
          };
      String name = model.modelName();
      try (InputStream onnx = resource(anchor, name + ".onnx");
          InputStream tokenizer = resource(anchor, name + "-tokenizer.json");
          OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = environment.createSession(onnx.readAllBytes(), options);
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        ExecutorService executor =
            Executors.newFixedThreadPool(
                threads,
                runnable -> {
                  Thread thread = new Thread(runnable, "embedding-" + name + "-" + count.incrementAndGet());
                  thread.setDaemon(true);
                  return thread;
                });
        return new Encoder(executor, new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the embedding model " + name, e);
      } catch (OrtException e) {
        throw new IllegalStateException("cannot load the embedding model " + name, e);
      }
    }

    private static InputStream resource(Class<?> anchor, String name) {
      InputStream in = anchor.getResourceAsStream("/" + name);
      if (in == null) {
        throw new IllegalStateException("the embedding model file " + name + " is missing from the classpath");
      }
      return in;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return bert;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSION;
    }
  }
}
