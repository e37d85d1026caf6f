package dev.nerve.bench.gateway;

import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.bench.BenchServer;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.bench.http.GatewaySession;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the gateway costs: the same read, {@code memory.context.get}, made as an authenticated,
 * rate-limited GraphQL request over HTTP and as a direct in-process gRPC call, in the all-in-one
 * mode. Writes {@code bench/results/gateway.json}.
 *
 * <p>The paths run round-robin, one call of each per iteration, so every path sees the same
 * machine state. HTTP requests go over one keep-alive connection per caller with a blocking client
 * ({@link GatewaySession}), so a client library's own thread hand-offs do not count as gateway
 * time; the same request through the JDK's HttpClient and the REST route are reported beside it.
 *
 * <p>Run: see docs/benchmarks.md. Uses the servers named by NERVE_TEST_DATABASE_URL /
 * NERVE_TEST_REDIS_URL, embedded otherwise.
 */
public final class GatewayOverheadBenchmark {

  private static final String CONTEXT_ID = "bench-context";
  private static final String QUERY =
      "{\"query\":\"{ memory { context { get(id: \\\"" + CONTEXT_ID + "\\\") { id version data } } } }\"}";

  private GatewayOverheadBenchmark() {}

  /** One way of making the call, timed by {@link #measure}. */
  private record Call(String name, Runnable call, Latencies latencies) {}

  public static void main(String[] args) throws Exception {
    int warmup = Integer.getInteger("warmup", 3_000);
    int samples = Integer.getInteger("samples", 5_000);
    int clients = Integer.getInteger("clients", 4);
    int throughputSeconds = Integer.getInteger("seconds", 15);

    // Every request still takes tokens from its bucket; the budget is just never exhausted.
    try (ConfigurableApplicationContext context =
        BenchServer.start(Target.ALL, Map.of("nerve.gateway.rate-limit.per-minute", "100000000"))) {
      int port = BenchServer.port(context);
      GatewaySession session = GatewaySession.login(port);
      Map<String, String> headers = session.headers();
      session.send(
          "PUT",
          "/api/v1/memory/contexts/" + CONTEXT_ID,
          "{\"kind\":\"bench\",\"data\":{\"goal\":\"measure the gateway\",\"step\":1}}");
      String userId = session.userId();

      var stub =
          ContextServiceGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(Target.MEMORY));
      Identity admin = new Identity("default", userId, Set.of("admin"));
      GetContextRequest request = GetContextRequest.newBuilder().setId(CONTEXT_ID).build();
      byte[] query = QUERY.getBytes(StandardCharsets.UTF_8);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest jdkRequest =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/graphql"))
              .header("Content-Type", "application/json")
              .header("Authorization", headers.get("Authorization"))
              .POST(HttpRequest.BodyPublishers.ofByteArray(query))
              .build();

      List<Call> paths =
          List.of(
              new Call("direct", () -> IdentityContext.callAs(admin, () -> stub.get(request)), new Latencies(samples)),
              new Call("graphql", () -> session.graphql(query), new Latencies(samples)),
              new Call("graphql-jdk-client", () -> send(http, jdkRequest), new Latencies(samples)),
              new Call(
                  "rest",
                  () -> session.send("GET", "/api/v1/memory/contexts/" + CONTEXT_ID, null),
                  new Latencies(samples)));
      measure(paths, warmup, false);
      measure(paths, samples, true);
      session.close();
      double rps =
          throughput(
              () -> {
                GatewaySession own = session.another();
                return () -> own.graphql(query);
              },
              clients,
              throughputSeconds);

      Latencies direct = paths.get(0).latencies();
      Latencies graphql = paths.get(1).latencies();
      Latencies jdk = paths.get(2).latencies();
      Latencies rest = paths.get(3).latencies();
      ResultsFile results = new ResultsFile();
      results.parameter("samples", samples);
      results.parameter("warmup", warmup);
      results.parameter("clients", clients);
      results.parameter("throughputSeconds", throughputSeconds);
      results.parameter("operation", "memory.context.get (GraphQL query vs ContextService/Get)");
      results.parameter("load", loadAverage());
      results.metric("gateway.overhead_p50_ms", graphql.percentileMs(50) - direct.percentileMs(50), "ms");
      results.metric("gateway.overhead_p99_ms", graphql.percentileMs(99) - direct.percentileMs(99), "ms");
      results.metric("gateway.graphql_rps", rps, "requests/s");
      results.metric("gateway.graphql_p50_ms", graphql.percentileMs(50), "ms");
      results.metric("gateway.graphql_p99_ms", graphql.percentileMs(99), "ms");
      results.metric("gateway.direct_grpc_p50_ms", direct.percentileMs(50), "ms");
      results.metric("gateway.direct_grpc_p99_ms", direct.percentileMs(99), "ms");
      results.metric("gateway.latency_ratio_p50", graphql.percentileMs(50) / direct.percentileMs(50), "ratio");
      results.metric("gateway.rest_p50_ms", rest.percentileMs(50), "ms");
      results.metric("gateway.rest_p99_ms", rest.percentileMs(99), "ms");
      results.metric("gateway.graphql_jdk_client_p50_ms", jdk.percentileMs(50), "ms");
      results.metric("gateway.graphql_jdk_client_p99_ms", jdk.percentileMs(99), "ms");
      results.write(
          Path.of(System.getProperty("results", "bench/results/gateway.json")),
          "gateway",
          System.getProperty("commit", "unknown"));
      for (Call path : paths) {
        System.out.printf(
            "%-20s p50 %.3f ms  p99 %.3f ms%n",
            path.name(), path.latencies().percentileMs(50), path.latencies().percentileMs(99));
      }
      System.out.printf(
          "overhead p50 %.3f ms  p99 %.3f ms  |  %.0f GraphQL requests/s with %d callers%n",
          graphql.percentileMs(50) - direct.percentileMs(50),
          graphql.percentileMs(99) - direct.percentileMs(99),
          rps,
          clients);
    }
  }

  private static void send(HttpClient http, HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 || response.body().contains("\"errors\"")) {
        throw new IllegalStateException("GraphQL call failed: " + response.statusCode() + " " + response.body());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code iterations} rounds of one call per path, timed when {@code record}. */
  private static void measure(List<Call> paths, int iterations, boolean record) {
    for (int i = 0; i < iterations; i++) {
      for (Call path : paths) {
        long start = System.nanoTime();
        path.call().run();
        if (record) {
          path.latencies().add(System.nanoTime() - start);
        }
      }
    }
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Requests per second of {@code clients} callers, each with the call its factory makes. */
  private static double throughput(Supplier<Runnable> perClient, int clients, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(
          pool.submit(
              () -> {
                Runnable call = perClient.get();
                while (System.nanoTime() < end) {
                  call.run();
                  done.incrementAndGet();
                }
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    pool.shutdown();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }
}
