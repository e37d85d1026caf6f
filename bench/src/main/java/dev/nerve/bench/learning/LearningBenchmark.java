package dev.nerve.bench.learning;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.learning.v1.Example;
import dev.nerve.api.learning.v1.ExampleBatch;
import dev.nerve.api.learning.v1.GetTrainingJobRequest;
import dev.nerve.api.learning.v1.ModelServiceGrpc;
import dev.nerve.api.learning.v1.ModelTaskType;
import dev.nerve.api.learning.v1.PredictBatchRequest;
import dev.nerve.api.learning.v1.PredictModelRequest;
import dev.nerve.api.learning.v1.TrainModelRequest;
import dev.nerve.api.learning.v1.TrainingData;
import dev.nerve.api.learning.v1.TrainingJob;
import dev.nerve.api.learning.v1.TrainingJobStatus;
import dev.nerve.bench.BenchServer;
import dev.nerve.bench.BenchmarkRun;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.bench.http.GatewaySession;
import dev.nerve.learning.models.ModelTraining;
import dev.nerve.learning.patterns.FpGrowth;
import dev.nerve.learning.patterns.FrequentItemset;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Learning benchmark (see docs/benchmarks.md): FP-Growth on generated transactions and the same
 * data through Apriori, single-row predict latency through the learning service's gRPC contract
 * in-process and through the gateway (GraphQL over HTTP), batch throughput, and logistic-regression
 * training time on a generated table. Uses the servers named by NERVE_TEST_DATABASE_URL /
 * NERVE_TEST_REDIS_URL, embedded otherwise.
 * Writes bench/results/learning.json.
 *
 * <p>Options: {@code --transactions=100000 --items=1000 --min-support=0.01 --max-length=5
 * --apriori=true --predictions=20000 --warmup=5000 --batch=1000 --batches=50 --train-rows=100000
 * --train-features=20 --seed=42 --out=bench/results/learning.json}.
 */
public final class LearningBenchmark {

  private LearningBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkRun.options(args);
    int transactions = Integer.parseInt(options.getOrDefault("transactions", "100000"));
    int items = Integer.parseInt(options.getOrDefault("items", "1000"));
    double minSupport = Double.parseDouble(options.getOrDefault("min-support", "0.01"));
    int maxLength = Integer.parseInt(options.getOrDefault("max-length", "5"));
    boolean apriori = Boolean.parseBoolean(options.getOrDefault("apriori", "true"));
    int predictions = Integer.parseInt(options.getOrDefault("predictions", "20000"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "5000"));
    int batch = Integer.parseInt(options.getOrDefault("batch", "1000"));
    int batches = Integer.parseInt(options.getOrDefault("batches", "50"));
    int trainRows = Integer.parseInt(options.getOrDefault("train-rows", "100000"));
    int trainFeatures = Integer.parseInt(options.getOrDefault("train-features", "20"));
    long seed = Long.parseLong(options.getOrDefault("seed", "42"));
    Path out = Path.of(options.getOrDefault("out", "bench/results/learning.json"));

    ResultsFile results = new ResultsFile();
    results.parameter("transactions", transactions);
    results.parameter("items", items);
    results.parameter("minSupport", minSupport);
    results.parameter("maxLength", maxLength);
    results.parameter("predictions", predictions);
    results.parameter("batch", batch);
    results.parameter("trainRows", trainRows);
    results.parameter("trainFeatures", trainFeatures);
    results.parameter("loadAverageBefore", BenchmarkRun.loadAverage());

    mining(transactions, items, minSupport, maxLength, apriori, seed, results);
    training(trainRows, trainFeatures, seed, results);
    prediction(predictions, warmup, batch, batches, seed, results);

    results.parameter("loadAverageAfter", BenchmarkRun.loadAverage());
    results.write(out, "learning", BenchmarkRun.commit());
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** Transactions of 5 to 15 items drawn by Zipf popularity, with 20 planted bundles of 3 to 4 items. */
  static List<int[]> transactions(int count, int items, long seed) {
    Random random = new Random(seed);
    double[] cumulative = new double[items];
    double total = 0;
    for (int i = 0; i < items; i++) {
      total += 1.0 / Math.pow(i + 1, 1.1);
      cumulative[i] = total;
    }
    int[][] bundles = new int[20][];
    for (int b = 0; b < bundles.length; b++) {
      bundles[b] = random.ints(3 + random.nextInt(2), 0, items).distinct().toArray();
    }
    List<int[]> out = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      java.util.Set<Integer> basket = new java.util.LinkedHashSet<>();
      int length = 5 + random.nextInt(11);
      while (basket.size() < length) {
        double u = random.nextDouble() * total;
        int lo = 0;
        int hi = items - 1;
        while (lo < hi) {
          int mid = (lo + hi) >>> 1;
          if (cumulative[mid] < u) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        basket.add(lo);
      }
      for (int[] bundle : bundles) {
        if (random.nextDouble() < 0.05) {
          for (int item : bundle) {
            basket.add(item);
          }
        }
      }
      out.add(basket.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  static void mining(int count, int items, double minSupport, int maxLength, boolean apriori, long seed, ResultsFile results) {
    List<int[]> encoded = transactions(count, items, seed);
    List<List<String>> named = new ArrayList<>(count);
    for (int[] t : encoded) {
      List<String> names = new ArrayList<>(t.length);
      for (int item : t) {
        names.add("i" + item);
      }
      named.add(names);
    }
    long minCount = (long) Math.ceil(minSupport * count);
    FpGrowth.mine(named.subList(0, Math.max(1, count / 10)), Math.max(1, minCount / 10), maxLength); // warm-up
    long start = System.nanoTime();
    List<FrequentItemset> found = FpGrowth.mine(named, minCount, maxLength);
    double fpSeconds = (System.nanoTime() - start) / 1e9;
    results.metric("learning.fpgrowth_100k_s", fpSeconds, "s");
    results.parameter("frequentItemsets", found.size());
    System.out.printf(Locale.ROOT, "FP-Growth: %d itemsets from %d transactions in %.3f s%n", found.size(), count, fpSeconds);
    if (apriori) {
      start = System.nanoTime();
      Map<List<Integer>, Long> reference = Apriori.mine(encoded, minCount, maxLength);
      double aprioriSeconds = (System.nanoTime() - start) / 1e9;
      if (reference.size() != found.size()) {
        throw new IllegalStateException("Apriori found " + reference.size() + " itemsets, FP-Growth " + found.size());
      }
      results.metric("learning.apriori_100k_s", aprioriSeconds, "s");
      results.metric("learning.apriori_over_fpgrowth", aprioriSeconds / fpSeconds, "ratio");
      System.out.printf(Locale.ROOT, "Apriori: the same %d itemsets in %.3f s (%.1f times FP-Growth)%n", reference.size(), aprioriSeconds, aprioriSeconds / fpSeconds);
    }
  }

  /** A table of {@code rows} x {@code features} numbers, three classes from random linear scores plus noise. */
  static List<Example> table(int rows, int features, long seed) {
    Random random = new Random(seed);
    double[][] weights = new double[3][features];
    for (double[] w : weights) {
      for (int f = 0; f < features; f++) {
        w[f] = random.nextGaussian();
      }
    }
    List<Example> examples = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      Struct.Builder row = Struct.newBuilder();
      double[] x = new double[features];
      for (int f = 0; f < features; f++) {
        x[f] = random.nextGaussian();
        row.putFields("f" + f, Value.newBuilder().setNumberValue(x[f]).build());
      }
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 3; c++) {
        double score = random.nextGaussian() * 0.5;
        for (int f = 0; f < features; f++) {
          score += weights[c][f] * x[f];
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      examples.add(Example.newBuilder().setFeatures(row).setLabel(Value.newBuilder().setStringValue("c" + best)).build());
    }
    return examples;
  }

  static void training(int rows, int features, long seed, ResultsFile results) {
    List<Example> examples = table(rows, features, seed);
    ModelTraining.train(ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION, "logistic_regression", Map.of(), examples.subList(0, Math.min(rows, 2000)), 0.2, seed);
    long start = System.nanoTime();
    ModelTraining.Result trained = ModelTraining.train(ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION, "logistic_regression", Map.of(), examples, 0.2, seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    results.metric("learning.train_logreg_100k_s", seconds, "s");
    results.parameter("trainAccuracy", String.format(Locale.ROOT, "%.4f", trained.metrics().get("accuracy")));
    System.out.printf(Locale.ROOT, "logistic regression on %d x %d: %.2f s, held-out accuracy %.4f, model %d bytes%n",
        rows, features, seconds, trained.metrics().get("accuracy"), trained.modelBytes());
  }

  static void prediction(int count, int warmup, int batch, int batches, long seed, ResultsFile results) throws IOException {
    // Every request still takes tokens from its bucket; the budget is just never exhausted.
    Map<String, String> settings =
        Map.of("nerve.learning.jobs.poll-interval", "200ms", "nerve.gateway.rate-limit.per-minute", "100000000");
    try (ConfigurableApplicationContext context = BenchServer.start("gateway,learning", settings);
        GatewaySession session = GatewaySession.login(BenchServer.port(context))) {
      ModelServiceGrpc.ModelServiceBlockingStub models = ModelServiceGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(Target.LEARNING));
      // The gateway's administrator, so the in-process calls and the gateway's see the same model.
      Identity bench = new Identity("default", session.userId(), Set.of("admin"));
      List<Example> examples = table(2000, 4, seed + 1);
      TrainingJob job = IdentityContext.callAs(bench, () -> models.train(TrainModelRequest.newBuilder().setModelId("bench")
          .setTaskType(ModelTaskType.MODEL_TASK_TYPE_CLASSIFICATION).setAlgorithm("logistic_regression")
          .setData(TrainingData.newBuilder().setExamples(ExampleBatch.newBuilder().addAllExamples(examples)).setSeed(seed)).build()));
      while (job.getStatus() != TrainingJobStatus.TRAINING_JOB_STATUS_SUCCEEDED) {
        if (job.getStatus() == TrainingJobStatus.TRAINING_JOB_STATUS_FAILED) {
          throw new IllegalStateException("training failed: " + job.getError());
        }
        sleep(100);
        String id = job.getId();
        job = IdentityContext.callAs(bench, () -> models.getTrainingJob(GetTrainingJobRequest.newBuilder().setId(id).build()));
      }
      List<byte[]> graphqlRequests = new ArrayList<>();
      for (Example example : examples) {
        graphqlRequests.add(("{\"query\":\"query($p: PredictParamsInput!) { learning { models { predict(params: $p) { label scores } } } }\","
            + "\"variables\":{\"p\":{\"modelId\":\"bench\",\"input\":" + JsonFormat.printer().omittingInsignificantWhitespace().print(example.getFeatures()) + "}}}")
            .getBytes(StandardCharsets.UTF_8));
      }
      // The in-process calls first, then the gateway's: a gateway call leaves background work
      // behind (its audit and the activity event it relays to learning), which would land in the
      // next in-process call's time if the two alternated.
      Latencies inProcess = new Latencies(count);
      for (int i = 0; i < warmup + count; i++) {
        Struct input = examples.get(i % examples.size()).getFeatures();
        long start = System.nanoTime();
        IdentityContext.callAs(bench, () -> models.predict(PredictModelRequest.newBuilder().setModelId("bench").setInput(input).build()));
        if (i >= warmup) {
          inProcess.add(System.nanoTime() - start);
        }
      }
      Latencies gateway = new Latencies(count);
      for (int i = 0; i < warmup + count; i++) {
        long start = System.nanoTime();
        session.graphql(graphqlRequests.get(i % graphqlRequests.size()));
        if (i >= warmup) {
          gateway.add(System.nanoTime() - start);
        }
      }
      results.metric("learning.predict_p50_ms", inProcess.percentileMs(50), "ms");
      results.metric("learning.predict_p99_ms", inProcess.percentileMs(99), "ms");
      results.metric("learning.predict_gateway_p50_ms", gateway.percentileMs(50), "ms");
      results.metric("learning.predict_gateway_p99_ms", gateway.percentileMs(99), "ms");
      System.out.printf(Locale.ROOT, "predict in-process gRPC: p50 %.3f ms, p99 %.3f ms; through the gateway (GraphQL over HTTP): p50 %.3f ms, p99 %.3f ms%n",
          inProcess.percentileMs(50), inProcess.percentileMs(99), gateway.percentileMs(50), gateway.percentileMs(99));
      PredictBatchRequest.Builder request = PredictBatchRequest.newBuilder().setModelId("bench");
      for (int i = 0; i < batch; i++) {
        request.addInputs(examples.get(i % examples.size()).getFeatures());
      }
      PredictBatchRequest built = request.build();
      for (int i = 0; i < Math.max(1, batches / 5); i++) {
        IdentityContext.callAs(bench, () -> models.predictBatch(built));
      }
      long start = System.nanoTime();
      for (int i = 0; i < batches; i++) {
        IdentityContext.callAs(bench, () -> models.predictBatch(built));
      }
      double rowsPerSecond = (double) batch * batches / ((System.nanoTime() - start) / 1e9);
      results.metric("learning.predict_batch_rows_per_s", rowsPerSecond, "rows/s");
      System.out.printf(Locale.ROOT, "batch predict: %.0f rows/s in batches of %d%n", rowsPerSecond, batch);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
