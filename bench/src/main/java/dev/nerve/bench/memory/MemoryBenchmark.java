package dev.nerve.bench.memory;

import dev.nerve.bench.BenchmarkRun;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
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
 * <p>Options: {@code --sizes=10000,100000,1000000 --queries=2000 --warmup=1000 --recall-queries=100
 * --ingest=2000 --seed=42 --out=bench/results/memory.json --index-cache=data/bench/memory-index}.
 */
public final class MemoryBenchmark {

  static final String MODEL = "synthetic-384";
  static final int DEPTH = 200;
  static final int RRF_K = 60;
  static final HybridSearcher.Weights WEIGHTS = new HybridSearcher.Weights(1, 1, 0.1, 0.1);
  /** The instant the corpus is dated from and searched at, fixed so a cached index stays valid. */
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkRun.options(args);
    long seed = Long.parseLong(options.getOrDefault("seed", "42"));
    int queries = Integer.parseInt(options.getOrDefault("queries", "2000"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "1000"));
    int recallQueries = Integer.parseInt(options.getOrDefault("recall-queries", "100"));
    int ingest = Integer.parseInt(options.getOrDefault("ingest", "2000"));
    int ingestWarmup = Integer.parseInt(options.getOrDefault("ingest-warmup", "512"));
    int ingestRounds = Integer.parseInt(options.getOrDefault("ingest-rounds", "5"));
    List<Integer> sizes =
        Stream.of(options.getOrDefault("sizes", "10000,100000,1000000").split(",")).map(Integer::parseInt).toList();
    Path out = Path.of(options.getOrDefault("out", "bench/results/memory.json"));
    Path cacheRoot = Path.of(options.getOrDefault("index-cache", "data/bench/memory-index"));

    ResultsFile results = new ResultsFile();
    results.parameter("seed", seed);
    results.parameter("queries", queries);
    results.parameter("warmup", warmup);
    results.parameter("recallQueries", recallQueries);
    results.parameter("candidateDepth", DEPTH);
    results.parameter("sizes", sizes);
    SyntheticCorpus corpus = new SyntheticCorpus(seed, 20_000, 1_000);
    if (ingest > 0) {
      results.parameter("loadAverageBefore_ingest", BenchmarkRun.loadAverage());
      results.parameter("ingestWarmup", ingestWarmup);
      results.parameter("ingestRounds", ingestRounds);
      ingest(corpus, ingest, ingestWarmup, ingestRounds, results);
      results.parameter("loadAverageAfter_ingest", BenchmarkRun.loadAverage());
    }
    for (int size : sizes) {
      results.parameter("loadAverageBefore_" + label(size), BenchmarkRun.loadAverage());
      searchAtSize(
          corpus, seed, size, queries, warmup, recallQueries, cacheRoot, results, size == sizes.get(sizes.size() - 1));
      results.parameter("loadAverageAfter_" + label(size), BenchmarkRun.loadAverage());
    }
    results.write(out, "memory", BenchmarkRun.commit());
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /**
   * Ingest through LongTermMemories.storeAll (embedding, dedupe, PostgreSQL, index), batched, after
   * {@code warmup} memories stored the same way and not timed (the JIT, PostgreSQL's and Lucene's
   * first segments), as the search part warms up before it measures. One caller stores {@code
   * rounds} times {@code count} memories; its rate is the median round's, with the slowest and
   * fastest beside it, so one burst of load on a shared machine does not decide the figure.
   */
  static void ingest(SyntheticCorpus corpus, int count, int warmup, int rounds, ResultsFile results)
      throws IOException {
    Path dataDir = Files.createTempDirectory("nerve-bench-memory");
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(BenchApplication.class)
            .web(WebApplicationType.NONE)
            .properties("logging.level.root=WARN")
            // Arguments, not default properties: application.yml's nerve.data-dir would win.
            .run("--nerve.targets=memory", "--nerve.grpc.port=0", "--nerve.data-dir=" + dataDir)) {
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
      // The first round takes texts 0 to count, as the one round before rounds did; the embedding
      // sample and the two callers take the texts after them, and the warm-up and the other
      // rounds the texts past those.
      long unused = 3L * count + 2_000;
      storeInBatches(memories, owner, corpus, unused, warmup, batch);
      double[] rates = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long first = round == 0 ? 0 : unused + warmup + (long) round * count;
        long roundStart = System.nanoTime();
        storeInBatches(memories, owner, corpus, first, count, batch);
        double seconds = (System.nanoTime() - roundStart) / 1e9;
        rates[round] = count / seconds;
        System.out.printf(Locale.ROOT, "ingest round %d: %d memories in %.1f s = %.1f/s%n", round + 1, count, seconds, rates[round]);
      }
      double[] sorted = rates.clone();
      java.util.Arrays.sort(sorted);
      results.metric("memory.ingest_per_s", sorted[rounds / 2], "memories/s");
      results.metric("memory.ingest_per_s_slowest_round", sorted[0], "memories/s");
      results.metric("memory.ingest_per_s_fastest_round", sorted[rounds - 1], "memories/s");
      results.parameter("ingestCount", count);
      results.parameter("ingestRoundRates", java.util.Arrays.toString(rates));

      // The same path with two callers storing at once (as two clients of the service would), so
      // one batch's PostgreSQL and index work overlaps the other's embedding.
      int callers = 2;
      int offset = count + 1_000;
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int first = offset + c * count / callers;
        int last = offset + (c + 1) * count / callers;
        Thread thread =
            new Thread(() -> storeInBatches(memories, owner, corpus, first, last - first, batch), "ingest-" + c);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      results.metric("memory.ingest_per_s_" + callers + "_callers", count / seconds, "memories/s");
      System.out.printf(Locale.ROOT, "ingest with %d callers: %d memories in %.1f s = %.1f/s%n", callers, count, seconds, count / seconds);

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
      results.metric("memory.search_e2e_p50_ms", latencies.percentileMs(50), "ms");
      results.metric("memory.search_e2e_p99_ms", latencies.percentileMs(99), "ms");
      long corpusSize = 1 + warmup + (long) rounds * count + count;
      results.parameter("e2eCorpusSize", corpusSize);
      System.out.printf(Locale.ROOT, "e2e search over %d memories: p50 %.2f ms, p99 %.2f ms%n", corpusSize, latencies.percentileMs(50), latencies.percentileMs(99));
    }
  }

  /** Stores the corpus texts {@code first} to {@code first + count} in calls of {@code batch}. */
  private static void storeInBatches(
      LongTermMemories memories, Owner owner, SyntheticCorpus corpus, long first, int count, int batch) {
    for (long i = first; i < first + count; i += batch) {
      List<LongTermMemories.Draft> drafts = new ArrayList<>();
      for (long j = i; j < Math.min(first + count, i + batch); j++) {
        drafts.add(draft(owner, corpus.text(j)));
      }
      memories.storeAll(drafts);
    }
  }

  private static LongTermMemories.Draft draft(Owner owner, String text) {
    return new LongTermMemories.Draft(
        owner, text, List.of(), "bench", 0.5, null, com.google.protobuf.Struct.getDefaultInstance());
  }

  /**
   * Measures hybrid search and recall over an index of {@code size} synthetic memories, built once
   * and kept under {@code cacheRoot} (keyed by seed, size and index format) for later runs.
   */
  static void searchAtSize(
      SyntheticCorpus corpus,
      long seed,
      int size,
      int queries,
      int warmup,
      int recallQueries,
      Path cacheRoot,
      ResultsFile results,
      boolean headline)
      throws IOException {
    String label = label(size);
    Path dir = cacheRoot.resolve("seed" + seed + "-n" + size + "-" + SearchIndex.format());
    Path built = dir.resolve("built.properties");
    if (!Files.exists(built)) {
      build(corpus, size, dir, built);
    }
    Properties info = new Properties();
    try (var in = Files.newBufferedReader(built)) {
      info.load(in);
    }
    results.metric("memory.index_build_s_" + label, Double.parseDouble(info.getProperty("seconds")), "s");
    results.parameter("indexBuilt_" + label, info.getProperty("date"));
    List<Set<String>> exact = exactTop10(corpus, size, recallQueries, dir.resolve("exact-top10-" + recallQueries + ".txt"));

    try (SearchIndex index = new SearchIndex(dir);
        HybridSearcher searcher = new HybridSearcher(index, RRF_K, DEPTH, Duration.ofDays(30))) {
      results.parameter("indexSegments_" + label, index.segmentCount());
      SearchFilter filter =
          new SearchFilter("bench", "user", "", "", List.of(), List.of(), Map.of(), null, null, null, null, false, NOW);
      for (int q = 0; q < warmup; q++) {
        searcher.rank(filter, corpus.queryText(q), MODEL, corpus.queryVector(q), WEIGHTS, NOW);
      }
      Latencies latencies = new Latencies(queries);
      for (int q = 0; q < queries; q++) {
        String text = corpus.queryText(warmup + q);
        float[] vector = corpus.queryVector(warmup + q);
        long t0 = System.nanoTime();
        searcher.rank(filter, text, MODEL, vector, WEIGHTS, NOW);
        latencies.add(System.nanoTime() - t0);
      }
      results.metric("memory.search_p50_ms_" + label, latencies.percentileMs(50), "ms");
      results.metric("memory.search_p99_ms_" + label, latencies.percentileMs(99), "ms");
      results.metric("memory.search_max_ms_" + label, latencies.percentileMs(100), "ms");
      System.out.printf(
          Locale.ROOT,
          "hybrid search at %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          size,
          latencies.percentileMs(50),
          latencies.percentileMs(99),
          latencies.percentileMs(100));

      double recallAtDepth = 0;
      double recallK10 = 0;
      for (int q = 0; q < recallQueries; q++) {
        float[] query = corpus.queryVector(1_000_000 + q);
        recallAtDepth += overlap(index.vector(filter, MODEL, query, DEPTH), exact.get(q));
        recallK10 += overlap(index.vector(filter, MODEL, query, 10), exact.get(q));
      }
      recallAtDepth /= recallQueries;
      recallK10 /= recallQueries;
      results.metric("memory.ann_recall_at_10_" + label, recallAtDepth, "ratio");
      results.metric("memory.ann_recall_at_10_k10_" + label, recallK10, "ratio");
      if (headline) {
        results.metric("memory.ann_recall_at_10", recallAtDepth, "ratio");
      }
      System.out.printf(Locale.ROOT, "recall@10 at %d: %.4f (k=%d), %.4f (k=10)%n", size, recallAtDepth, DEPTH, recallK10);
    }
  }

  /**
   * Bulk-loads {@code size} synthetic memories through {@link SearchIndex#apply} and merges as the
   * service's merge policy does (no force-merge: a live replica never runs one).
   */
  private static void build(SyntheticCorpus corpus, int size, Path dir, Path built) throws IOException {
    if (Files.exists(dir)) {
      deleteRecursively(dir);
    }
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(size);
    long start = System.nanoTime();
    try (SearchIndex index = new SearchIndex(dir, 1900)) {
      List<IndexedMemory> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Instant updated = NOW.minus(Duration.ofMinutes(random.nextInt(90 * 24 * 60)));
        batch.add(
            new IndexedMemory(
                String.format(Locale.ROOT, "m%08d", i), "bench", "user", "", "", corpus.text(i), List.of("t" + (i % 16)),
                Map.of(), random.nextDouble(), updated, updated, null, MODEL, corpus.vector(i)));
        if (batch.size() == 10_000 || i == size - 1) {
          index.apply(batch, List.of(), i + 1);
          batch.clear();
        }
        if ((i + 1) % 100_000 == 0) {
          System.out.printf(Locale.ROOT, "  indexed %d in %.0f s%n", i + 1, (System.nanoTime() - start) / 1e9);
        }
      }
      index.commit();
      index.maybeMerge();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "index of %d built in %.0f s%n", size, seconds);
    Properties info = new Properties();
    info.setProperty("seconds", String.format(Locale.ROOT, "%.1f", seconds));
    info.setProperty("date", Instant.now().toString());
    info.setProperty("format", SearchIndex.format());
    try (var out = Files.newBufferedWriter(built)) {
      info.store(out, "memory benchmark index");
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

  /**
   * Exact top 10 by dot product of each recall query over the whole corpus: one brute-force pass
   * over the regenerated vectors, split over the cores; cached beside the index.
   */
  private static List<Set<String>> exactTop10(SyntheticCorpus corpus, int size, int count, Path file) throws IOException {
    if (!Files.exists(file)) {
      float[][] queries = new float[count][];
      for (int q = 0; q < count; q++) {
        queries[q] = corpus.queryVector(1_000_000 + q);
      }
      int parts = Runtime.getRuntime().availableProcessors();
      List<List<PriorityQueue<double[]>>> partial =
          java.util.stream.IntStream.range(0, parts)
              .parallel()
              .mapToObj(p -> topInRange(corpus, (int) ((long) size * p / parts), (int) ((long) size * (p + 1) / parts), queries))
              .toList();
      List<String> lines = new ArrayList<>();
      for (int q = 0; q < count; q++) {
        PriorityQueue<double[]> best = new PriorityQueue<>(Comparator.comparingDouble(a -> a[0]));
        for (List<PriorityQueue<double[]>> part : partial) {
          for (double[] e : part.get(q)) {
            offer(best, e[0], (int) e[1]);
          }
        }
        List<String> ids = new ArrayList<>();
        best.forEach(e -> ids.add(String.format(Locale.ROOT, "m%08d", (int) e[1])));
        lines.add(String.join(",", ids));
      }
      Files.write(file, lines);
    }
    List<Set<String>> exact = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      exact.add(new HashSet<>(List.of(line.split(","))));
    }
    return exact;
  }

  private static List<PriorityQueue<double[]>> topInRange(SyntheticCorpus corpus, int from, int to, float[][] queries) {
    List<PriorityQueue<double[]>> best = new ArrayList<>();
    for (int q = 0; q < queries.length; q++) {
      best.add(new PriorityQueue<>(Comparator.comparingDouble(a -> a[0])));
    }
    for (int i = from; i < to; i++) {
      float[] v = corpus.vector(i);
      for (int q = 0; q < queries.length; q++) {
        float[] query = queries[q];
        double dot = 0;
        for (int d = 0; d < v.length; d++) {
          dot += v[d] * query[d];
        }
        offer(best.get(q), dot, i);
      }
    }
    return best;
  }

  private static void offer(PriorityQueue<double[]> best, double dot, int i) {
    if (best.size() < 10) {
      best.add(new double[] {dot, i});
    } else if (dot > best.peek()[0]) {
      best.poll();
      best.add(new double[] {dot, i});
    }
  }

  static String label(int size) {
    return size >= 1_000_000 && size % 1_000_000 == 0
        ? (size / 1_000_000) + "m"
        : size >= 1_000 && size % 1_000 == 0 ? (size / 1_000) + "k" : Integer.toString(size);
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
