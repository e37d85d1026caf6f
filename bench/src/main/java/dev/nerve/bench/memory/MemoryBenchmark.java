package dev.nerve.bench.memory;

import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.memory.longterm.HybridSearcher;
import dev.nerve.memory.longterm.LongTermMemories;
import dev.nerve.memory.search.IndexedMemory;
import dev.nerve.memory.search.SearchFilter;
import dev.nerve.memory.search.SearchIndex;
import dev.nerve.memory.support.Owner;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Memory benchmark (see docs/benchmarks.md): ingest rate through the real store path with local
 * embeddings, hybrid search latency at several corpus sizes in one scope, and ANN recall@10
 * against exact search. Writes bench/results/memory.json.
 *
 * <p>Options: {@code --sizes=10000,100000,1000000 --queries=500 --warmup=200 --recall-queries=100
 * --ingest=2000 --seed=42 --out=bench/results/memory.json}.
 */
public final class MemoryBenchmark {

  static final String MODEL = "synthetic-384";
  static final int DEPTH = 200;
  static final int RRF_K = 60;
  static final HybridSearcher.Weights WEIGHTS = new HybridSearcher.Weights(1, 1, 0.1, 0.1);

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    long seed = Long.parseLong(options.getOrDefault("seed", "42"));
    int queries = Integer.parseInt(options.getOrDefault("queries", "500"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "200"));
    int recallQueries = Integer.parseInt(options.getOrDefault("recall-queries", "100"));
    int ingest = Integer.parseInt(options.getOrDefault("ingest", "2000"));
    List<Integer> sizes =
        Stream.of(options.getOrDefault("sizes", "10000,100000,1000000").split(",")).map(Integer::parseInt).toList();
    Path out = Path.of(options.getOrDefault("out", "bench/results/memory.json"));

    ResultsFile results = new ResultsFile();
    results.parameter("seed", seed);
    results.parameter("queries", queries);
    results.parameter("warmup", warmup);
    results.parameter("recallQueries", recallQueries);
    results.parameter("candidateDepth", DEPTH);
    results.parameter("sizes", sizes);
    SyntheticCorpus corpus = new SyntheticCorpus(seed, 20_000, 1_000);
    if (ingest > 0) {
      ingest(corpus, ingest, results);
    }
    for (int size : sizes) {
      searchAtSize(corpus, size, queries, warmup, recallQueries, results, size == sizes.get(sizes.size() - 1));
    }
    results.write(out, "memory", commit());
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** Ingest through LongTermMemories.storeAll (embedding, dedupe, PostgreSQL, index), batched. */
  static void ingest(SyntheticCorpus corpus, int count, ResultsFile results) throws IOException {
    Path dataDir = Files.createTempDirectory("nerve-bench-memory");
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(BenchApplication.class)
            .web(WebApplicationType.NONE)
            .properties(
                "nerve.targets=memory",
                "nerve.grpc.port=0",
                "nerve.data-dir=" + dataDir,
                "logging.level.root=WARN")
            .run()) {
      LongTermMemories memories = context.getBean(LongTermMemories.class);
      Owner owner = new Owner("bench-" + System.currentTimeMillis(), "user", "", "");
      memories.storeAll(List.of(draft(owner, "warm-up of the embedding model")));
      int batch = 64;
      dev.nerve.memory.embedding.Embedder embedder = context.getBean(dev.nerve.memory.embedding.Embedder.class);
      List<String> sample = new ArrayList<>();
      for (int i = 0; i < Math.min(count, 512); i++) {
        sample.add(corpus.text(count + i));
      }
      long embedStart = System.nanoTime();
      embedder.embed(sample);
      double embedRate = sample.size() / ((System.nanoTime() - embedStart) / 1e9);
      results.metric("memory.embed_per_s", embedRate, "texts/s");
      System.out.printf(Locale.ROOT, "embedding alone: %.1f texts/s%n", embedRate);
      long start = System.nanoTime();
      for (int i = 0; i < count; i += batch) {
        List<LongTermMemories.Draft> drafts = new ArrayList<>();
        for (int j = i; j < Math.min(count, i + batch); j++) {
          drafts.add(draft(owner, corpus.text(j)));
        }
        memories.storeAll(drafts);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      results.metric("memory.ingest_per_s", count / seconds, "memories/s");
      results.parameter("ingestCount", count);
      System.out.printf(Locale.ROOT, "ingest: %d memories in %.1f s = %.1f/s%n", count, seconds, count / seconds);

      // End to end through gRPC: query embedding, hybrid search, PostgreSQL hydration.
      var stub = LongTermMemoryServiceGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(Target.MEMORY));
      Identity identity = new Identity(owner.tenantId(), owner.userId(), java.util.Set.of("operator"));
      Latencies latencies = new Latencies(300);
      for (int q = 0; q < 350; q++) {
        SearchMemoriesRequest request = SearchMemoriesRequest.newBuilder().setQuery(corpus.queryText(q)).build();
        long t0 = System.nanoTime();
        IdentityContext.callAs(identity, () -> stub.search(request));
        if (q >= 50) {
          latencies.add(System.nanoTime() - t0);
        }
      }
      results.metric("memory.search_e2e_p50_ms_" + label(count), latencies.percentileMs(50), "ms");
      results.metric("memory.search_e2e_p99_ms_" + label(count), latencies.percentileMs(99), "ms");
      System.out.printf(Locale.ROOT, "e2e search at %d: p50 %.2f ms, p99 %.2f ms%n", count, latencies.percentileMs(50), latencies.percentileMs(99));
    }
  }

  private static LongTermMemories.Draft draft(Owner owner, String text) {
    return new LongTermMemories.Draft(
        owner, text, List.of(), "bench", 0.5, null, com.google.protobuf.Struct.getDefaultInstance(), false);
  }

  /** Builds an index of {@code size} synthetic memories and measures hybrid search and recall. */
  static void searchAtSize(
      SyntheticCorpus corpus, int size, int queries, int warmup, int recallQueries, ResultsFile results, boolean headline)
      throws IOException {
    Path dir = Files.createTempDirectory("nerve-bench-index");
    float[][] vectors = new float[size][];
    Instant now = Instant.now();
    SplittableRandom random = new SplittableRandom(size);
    long start = System.nanoTime();
    try (SearchIndex index = new SearchIndex(dir, 1900)) {
      List<IndexedMemory> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        vectors[i] = corpus.vector(i);
        Instant updated = now.minus(Duration.ofMinutes(random.nextInt(90 * 24 * 60)));
        batch.add(
            new IndexedMemory(
                String.format(Locale.ROOT, "m%08d", i), "bench", "user", "", "", corpus.text(i), List.of("t" + (i % 16)),
                Map.of(), random.nextDouble(), updated, updated, null, MODEL, vectors[i]));
        if (batch.size() == 10_000 || i == size - 1) {
          index.apply(batch, List.of(), i);
          batch.clear();
        }
        if ((i + 1) % 100_000 == 0) {
          System.out.printf(Locale.ROOT, "  indexed %d in %.0f s%n", i + 1, (System.nanoTime() - start) / 1e9);
        }
      }
      // Small indexes are merged to one segment; at 1M the bulk load leaves a few large segments,
      // as a live replica would have, and merging them would only lengthen the run.
      if (size <= 100_000) {
        index.forceMerge(1);
      } else {
        index.commit();
      }
      double buildSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "index of %d built in %.0f s%n", size, buildSeconds);
      results.metric("memory.index_build_s_" + label(size), buildSeconds, "s");

      SearchFilter filter =
          new SearchFilter("bench", "user", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, now);
      HybridSearcher searcher = new HybridSearcher(index, RRF_K, DEPTH, Duration.ofDays(30));
      for (int q = 0; q < warmup; q++) {
        searcher.rank(filter, corpus.queryText(q), MODEL, corpus.queryVector(q), WEIGHTS, now);
      }
      Latencies latencies = new Latencies(queries);
      for (int q = 0; q < queries; q++) {
        String text = corpus.queryText(warmup + q);
        float[] vector = corpus.queryVector(warmup + q);
        long t0 = System.nanoTime();
        searcher.rank(filter, text, MODEL, vector, WEIGHTS, now);
        latencies.add(System.nanoTime() - t0);
      }
      String label = label(size);
      results.metric("memory.search_p50_ms_" + label, latencies.percentileMs(50), "ms");
      results.metric("memory.search_p99_ms_" + label, latencies.percentileMs(99), "ms");
      System.out.printf(Locale.ROOT, "hybrid search at %d: p50 %.2f ms, p99 %.2f ms%n", size, latencies.percentileMs(50), latencies.percentileMs(99));

      double recallAtDepth = 0;
      double recallK10 = 0;
      for (int q = 0; q < recallQueries; q++) {
        float[] query = corpus.queryVector(1_000_000 + q);
        Set<String> exact = exactTop10(vectors, query);
        recallAtDepth += overlap(index.vector(filter, MODEL, query, DEPTH), exact);
        recallK10 += overlap(index.vector(filter, MODEL, query, 10), exact);
      }
      recallAtDepth /= recallQueries;
      recallK10 /= recallQueries;
      results.metric("memory.ann_recall_at_10_" + label, recallAtDepth, "ratio");
      results.metric("memory.ann_recall_at_10_k10_" + label, recallK10, "ratio");
      if (headline) {
        results.metric("memory.ann_recall_at_10", recallAtDepth, "ratio");
      }
      System.out.printf(Locale.ROOT, "recall@10 at %d: %.4f (k=%d), %.4f (k=10)%n", size, recallAtDepth, DEPTH, recallK10);
    } finally {
      deleteRecursively(dir);
    }
  }

  private static double overlap(List<SearchIndex.Hit> hits, Set<String> exact) {
    int found = 0;
    for (int i = 0; i < Math.min(10, hits.size()); i++) {
      if (exact.contains(hits.get(i).id())) {
        found++;
      }
    }
    return found / 10.0;
  }

  private static Set<String> exactTop10(float[][] vectors, float[] query) {
    PriorityQueue<double[]> best = new PriorityQueue<>(Comparator.comparingDouble(a -> a[0]));
    for (int i = 0; i < vectors.length; i++) {
      double dot = 0;
      float[] v = vectors[i];
      for (int d = 0; d < v.length; d++) {
        dot += v[d] * query[d];
      }
      if (best.size() < 10) {
        best.add(new double[] {dot, i});
      } else if (dot > best.peek()[0]) {
        best.poll();
        best.add(new double[] {dot, i});
      }
    }
    Set<String> ids = new HashSet<>();
    best.forEach(e -> ids.add(String.format(Locale.ROOT, "m%08d", (int) e[1])));
    return ids;
  }

  static String label(int size) {
    return size >= 1_000_000 && size % 1_000_000 == 0
        ? (size / 1_000_000) + "m"
        : size >= 1_000 && size % 1_000 == 0 ? (size / 1_000) + "k" : Integer.toString(size);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.contains("=")) {
        options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      }
    }
    return options;
  }

  private static String commit() {
    String fromEnv = System.getenv("GIT_COMMIT");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes()).trim();
      return git.waitFor() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Boots the memory target for the ingest part. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class BenchApplication {}
}
