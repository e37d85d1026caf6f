package dev.nerve.bench.memory.quality;

import dev.nerve.bench.BenchmarkRun;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Timestamps;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.RankingWeights;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.StoreManyMemoriesRequest;
import dev.nerve.api.memory.v1.StoreManyMemoriesResponse;
import dev.nerve.api.memory.v1.StoreManyResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.bench.memory.quality.ChatCorpus.Question;
import dev.nerve.bench.memory.quality.ChatCorpus.Type;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Retrieval quality of long-term memory on generated multi-session chats ({@link ChatCorpus}):
 * imports every conversation through StoreMany (each conversation its own session scope, each turn
 * with its time and turn id), asks every question through Search in that scope in each mode
 * (keyword only, semantic only, hybrid with the service defaults) and with a plain Lucene BM25
 * over the same turns, and reports evidence recall@5/@10 and hit@10 per question type. Writes
 * bench/results/memory-quality.json. Service settings can be changed with {@code -Dnerve.memory...}.
 *
 * <p>Options: {@code --conversations=10 --sessions=18 --events=14 --callbacks=0.5 --seed=7
 * --out=bench/results/memory-quality.json}, and how the import is sent: {@code --import-batch=128}
 * turns per call, {@code --import-order=in-order} (each conversation's calls in turn order) or
 * {@code shuffled} (every call of every conversation in a random order), {@code --import-callers=1}
 * calls at once.
 */
public final class RetrievalQualityBenchmark {

  /**
   * How the import is sent.
   *
   * @param batch turns per StoreMany call
   * @param shuffled calls in a random order (seeded) instead of each conversation's in turn order
   * @param callers calls sent at once
   */
  record ImportPlan(int batch, boolean shuffled, int callers) {}
  private static final Identity IDENTITY = new Identity("quality", "bench", Set.of("operator"));

  private RetrievalQualityBenchmark() {}

  /** The ways a question is asked. */
  enum Mode {
    KEYWORD,
    SEMANTIC,
    HYBRID,
    BM25
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.contains("=")) {
        options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      }
    }
    long seed = Long.parseLong(options.getOrDefault("seed", "7"));
    int conversations = Integer.parseInt(options.getOrDefault("conversations", "10"));
    int sessions = Integer.parseInt(options.getOrDefault("sessions", "18"));
    int events = Integer.parseInt(options.getOrDefault("events", "14"));
    double callbacks = Double.parseDouble(options.getOrDefault("callbacks", "0.5"));
    Path out = Path.of(options.getOrDefault("out", "bench/results/memory-quality.json"));
    String order = options.getOrDefault("import-order", "in-order");
    if (!order.equals("in-order") && !order.equals("shuffled")) {
      throw new IllegalArgumentException("--import-order is in-order or shuffled, not " + order);
    }
    ImportPlan plan = new ImportPlan(
        Integer.parseInt(options.getOrDefault("import-batch", "128")),
        order.equals("shuffled"),
        Integer.parseInt(options.getOrDefault("import-callers", "1")));

    ChatCorpus corpus = ChatCorpus.generate(seed, conversations, sessions, events, callbacks);
    int turns = corpus.conversations().stream().mapToInt(c -> c.turns().size()).sum();
    Map<Type, Integer> perType = new EnumMap<>(Type.class);
    corpus.questions().forEach(q -> perType.merge(q.type(), 1, Integer::sum));
    System.out.printf(Locale.ROOT, "corpus: %d conversations, %d turns, %d questions %s%n", conversations, turns, corpus.questions().size(), perType);

    ResultsFile results = new ResultsFile();
    results.parameter("seed", seed);
    results.parameter("conversations", conversations);
    results.parameter("sessions", sessions);
    results.parameter("eventsPerSpeaker", events);
    results.parameter("callbacks", callbacks);
    results.parameter("importBatch", plan.batch());
    results.parameter("importOrder", order);
    results.parameter("importCallers", plan.callers());
    results.parameter("turns", turns);
    results.parameter("questions", corpus.questions().size());
    perType.forEach((type, n) -> results.parameter("questions_" + name(type), n));
    System.getProperties().stringPropertyNames().stream()
        .filter(p -> p.startsWith("nerve."))
        .sorted()
        .forEach(p -> results.parameter(p, System.getProperty(p)));

    Map<Mode, List<List<String>>> rankings = new EnumMap<>(Mode.class);
    Path dataDir = Files.createTempDirectory("nerve-bench-quality");
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(BenchApplication.class)
            .web(WebApplicationType.NONE)
            .properties("logging.level.root=WARN")
            // Arguments, not default properties: application.yml sets nerve.data-dir, which would
            // win over a default and put every run's memories into the same ./data.
            .run("--nerve.targets=memory", "--nerve.grpc.port=0", "--nerve.data-dir=" + dataDir)) {
      LongTermMemoryServiceBlockingStub stub =
          LongTermMemoryServiceGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(Target.MEMORY));
      Map<String, String> turnOfMemory = importAll(stub, corpus, plan, seed, results);
      for (Mode mode : List.of(Mode.KEYWORD, Mode.SEMANTIC, Mode.HYBRID)) {
        Latencies latencies = new Latencies(corpus.questions().size());
        List<List<String>> ranked = new ArrayList<>();
        for (Question q : corpus.questions()) {
          SearchMemoriesRequest request = request(q, mode);
          long t0 = System.nanoTime();
          List<SearchHit> hits = IdentityContext.callAs(IDENTITY, () -> stub.withDeadlineAfter(120, TimeUnit.SECONDS).search(request)).getHitsList();
          latencies.add(System.nanoTime() - t0);
          ranked.add(hits.stream().map(h -> turnOf(turnOfMemory, h.getMemory().getId())).toList());
        }
        rankings.put(mode, ranked);
        String key = name(mode);
        results.metric("memory.quality_search_p50_ms_" + key, latencies.percentileMs(50), "ms");
        results.metric("memory.quality_search_p99_ms_" + key, latencies.percentileMs(99), "ms");
        System.out.printf(Locale.ROOT, "%s search: p50 %.2f ms, p99 %.2f ms%n", key, latencies.percentileMs(50), latencies.percentileMs(99));
      }
    }
    try (PlainBm25 bm25 = new PlainBm25(corpus.conversations())) {
      List<List<String>> ranked = new ArrayList<>();
      for (Question q : corpus.questions()) {
        ranked.add(bm25.search(q.conversation(), q.text(), 10));
      }
      rankings.put(Mode.BM25, ranked);
    }
    report(corpus.questions(), rankings, results);
    if (options.containsKey("misses")) {
      writeMisses(Path.of(options.get("misses")), corpus, rankings.get(Mode.HYBRID));
    }
    results.write(out, "memory-quality", BenchmarkRun.commit());
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** Imports every conversation through StoreMany as {@code plan} says; returns memory id to turn id. */
  private static Map<String, String> importAll(
      LongTermMemoryServiceBlockingStub stub, ChatCorpus corpus, ImportPlan plan, long seed, ResultsFile results)
      throws Exception {
    Map<String, String> turnOfMemory = new ConcurrentHashMap<>();
    // The first call loads the embedding model; keep it out of the rate.
    IdentityContext.callAs(IDENTITY, () -> stub.withDeadlineAfter(300, TimeUnit.SECONDS).storeMany(
        StoreManyMemoriesRequest.newBuilder().addItems(StoreMemoryRequest.newBuilder().setText("warm-up").setScope(MemoryScope.newBuilder().setSessionId("warm-up"))).build()));
    List<Runnable> calls = new ArrayList<>();
    int stored = 0;
    for (ChatCorpus.Conversation c : corpus.conversations()) {
      List<ChatCorpus.Turn> turns = c.turns();
      for (int i = 0; i < turns.size(); i += plan.batch()) {
        List<ChatCorpus.Turn> part = turns.subList(i, Math.min(turns.size(), i + plan.batch()));
        calls.add(() -> importPart(stub, c.id(), part, turnOfMemory));
        stored += part.size();
      }
    }
    if (plan.shuffled()) {
      Collections.shuffle(calls, new Random(seed));
    }
    long start = System.nanoTime();
    ExecutorService callers = Executors.newFixedThreadPool(plan.callers());
    try {
      List<Future<?>> sent = new ArrayList<>();
      calls.forEach(call -> sent.add(callers.submit(call)));
      for (Future<?> f : sent) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    results.metric("memory.quality_ingest_per_s", stored / seconds, "memories/s");
    results.parameter("memories", turnOfMemory.size());
    System.out.printf(Locale.ROOT, "imported %d turns in %.1f s = %.1f/s through StoreMany (%d memories)%n", stored, seconds, stored / seconds, turnOfMemory.size());
    return turnOfMemory;
  }

  /** One StoreMany call of a conversation's consecutive turns. */
  private static void importPart(
      LongTermMemoryServiceBlockingStub stub, String conversation, List<ChatCorpus.Turn> part, Map<String, String> turnOfMemory) {
    StoreManyMemoriesRequest.Builder batch = StoreManyMemoriesRequest.newBuilder();
    for (ChatCorpus.Turn t : part) {
      batch.addItems(
          StoreMemoryRequest.newBuilder()
              .setScope(MemoryScope.newBuilder().setSessionId(conversation))
              .setText(t.memoryText())
              .setSource("import:chat")
              .setOccurredAt(Timestamps.fromMillis(t.at().toEpochMilli()))
              .setMetadata(Struct.newBuilder().putFields("turn", Value.newBuilder().setStringValue(t.id()).build())));
    }
    StoreManyMemoriesResponse response =
        IdentityContext.callAs(IDENTITY, () -> stub.withDeadlineAfter(300, TimeUnit.SECONDS).storeMany(batch.build()));
    for (StoreManyResult r : response.getResultsList()) {
      if (!r.hasMemory()) {
        throw new IllegalStateException("turn " + part.get(r.getIndex()).id() + " was not stored: " + r.getError());
      }
      // A merged turn maps to the memory that absorbed it; the first turn keeps the id.
      turnOfMemory.putIfAbsent(r.getMemory().getId(), part.get(r.getIndex()).id());
    }
  }

  private static String turnOf(Map<String, String> turnOfMemory, String memoryId) {
    String turn = turnOfMemory.get(memoryId);
    if (turn == null) {
      throw new IllegalStateException("search returned memory " + memoryId + ", which this run did not store");
    }
    return turn;
  }

  private static SearchMemoriesRequest request(Question q, Mode mode) {
    SearchMemoriesRequest.Builder request =
        SearchMemoriesRequest.newBuilder()
            .setQuery(q.text())
            .setScope(MemoryScope.newBuilder().setSessionId(q.conversation()))
            .setPage(PageRequest.newBuilder().setPageSize(10));
    switch (mode) {
      case KEYWORD -> request.setWeights(RankingWeights.newBuilder().setVectorWeight(0));
      case SEMANTIC -> request.setWeights(RankingWeights.newBuilder().setKeywordWeight(0));
      default -> {}
    }
    return request.build();
  }

  /**
   * Writes, for every question whose evidence hybrid search did not all bring into its top 10, the
   * question, the evidence turns it missed and the ten turns it returned, for reading what ranks
   * above the answers.
   */
  private static void writeMisses(Path file, ChatCorpus corpus, List<List<String>> hybrid) throws java.io.IOException {
    Map<String, ChatCorpus.Turn> turns = new HashMap<>();
    corpus.conversations().forEach(c -> c.turns().forEach(t -> turns.put(t.id(), t)));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < corpus.questions().size(); i++) {
      Question q = corpus.questions().get(i);
      List<String> ranked = hybrid.get(i);
      List<String> missed = q.evidence().stream().filter(e -> !ranked.contains(e)).toList();
      if (missed.isEmpty()) {
        continue;
      }
      text.append("## ").append(name(q.type())).append(": ").append(q.text()).append('\n');
      missed.forEach(e -> text.append("  missed ").append(e).append("  ").append(turns.get(e).memoryText()).append('\n'));
      for (int r = 0; r < ranked.size(); r++) {
        String id = ranked.get(r);
        text.append(String.format(Locale.ROOT, "  %2d %s %s  %s%n", r + 1, q.evidence().contains(id) ? "*" : " ", id, turns.get(id).memoryText()));
      }
    }
    Files.writeString(file, text);
  }

  /** Evidence recall@5 and @10 and hit@10, per mode and question type and over all questions. */
  private static void report(List<Question> questions, Map<Mode, List<List<String>>> rankings, ResultsFile results) {
    System.out.printf(Locale.ROOT, "%n%-9s %-12s %5s %9s %9s %7s%n", "mode", "type", "n", "recall@5", "recall@10", "hit@10");
    for (Mode mode : rankings.keySet()) {
      Map<String, double[]> sums = new LinkedHashMap<>();
      List<List<String>> ranked = rankings.get(mode);
      for (int i = 0; i < questions.size(); i++) {
        Question q = questions.get(i);
        double[] r = scores(q.evidence(), ranked.get(i));
        for (String group : List.of(name(q.type()), "all")) {
          double[] sum = sums.computeIfAbsent(group, g -> new double[4]);
          sum[0] += r[0];
          sum[1] += r[1];
          sum[2] += r[2];
          sum[3]++;
        }
      }
      for (Type type : Type.values()) {
        sums.putIfAbsent(name(type), new double[4]);
      }
      for (Map.Entry<String, double[]> e : sums.entrySet()) {
        double[] s = e.getValue();
        double n = Math.max(1, s[3]);
        System.out.printf(Locale.ROOT, "%-9s %-12s %5d %9.3f %9.3f %7.3f%n", name(mode), e.getKey(), (int) s[3], s[0] / n, s[1] / n, s[2] / n);
        String prefix = "memory.quality_" + name(mode) + "_" + e.getKey();
        results.metric(prefix + "_recall_at_5", s[0] / n, "ratio");
        results.metric(prefix + "_recall_at_10", s[1] / n, "ratio");
        results.metric(prefix + "_hit_at_10", s[2] / n, "ratio");
        if (e.getKey().equals("all")) {
          if (mode == Mode.HYBRID) {
            results.metric("memory.quality_recall_at_10", s[1] / n, "ratio");
            results.metric("memory.quality_recall_at_5", s[0] / n, "ratio");
          } else if (mode == Mode.BM25) {
            results.metric("memory.quality_bm25_recall_at_10", s[1] / n, "ratio");
          }
        }
      }
    }
  }

  /** [recall@5, recall@10, hit@10] of one ranking. */
  private static double[] scores(List<String> evidence, List<String> ranked) {
    Set<String> wanted = new HashSet<>(evidence);
    int at5 = 0;
    int at10 = 0;
    for (int i = 0; i < Math.min(10, ranked.size()); i++) {
      if (wanted.contains(ranked.get(i))) {
        at10++;
        if (i < 5) {
          at5++;
        }
      }
    }
    return new double[] {(double) at5 / wanted.size(), (double) at10 / wanted.size(), at10 > 0 ? 1 : 0};
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** Boots the memory target. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class BenchApplication {}
}
