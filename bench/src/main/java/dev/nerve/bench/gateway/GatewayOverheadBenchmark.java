package dev.nerve.bench.gateway;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import dev.nerve.server.NerveApplication;
import dev.nerve.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the gateway costs: the same environment check made as an authenticated, rate-limited
 * GraphQL request over HTTP and as a direct in-process gRPC call, in the all-in-one mode. Writes
 * {@code bench/results/gateway.json}.
 *
 * <p>Run: {@code ./mvnw -q -B install -DskipTests && ./mvnw -q -B -pl bench exec:java
 * -Dexec.mainClass=dev.nerve.bench.gateway.GatewayOverheadBenchmark} (or with {@code java -cp}).
 * Uses the servers named by NERVE_TEST_DATABASE_URL / NERVE_TEST_REDIS_URL, embedded otherwise.
 */
public final class GatewayOverheadBenchmark {

  private static final String QUERY =
      "{\"query\":\"{ installation { environment { check(checkIds: [\\\"java.version\\\"]) { overall } } } }\"}";
  private static final Pattern ACCESS_TOKEN = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");

  private GatewayOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int warmup = Integer.getInteger("warmup", 3_000);
    int samples = Integer.getInteger("samples", 5_000);
    int clients = Integer.getInteger("clients", 4);
    int throughputSeconds = Integer.getInteger("seconds", 15);

    Map<String, String> properties = new LinkedHashMap<>(TestServers.applicationProperties());
    properties.put("server.port", "0");
    properties.put("logging.level.root", "WARN");
    properties.put("management.tracing.sampling.probability", "0.0");
    // Every request still takes tokens from its Redis bucket; the budget is just never exhausted.
    properties.put("nerve.gateway.rate-limit.per-minute", "100000000");
    // -Dnerve.<key>=<value> overrides any setting, e.g. to see what one feature costs.
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("nerve.") || name.startsWith("management."))
        .forEach(name -> properties.put(name, System.getProperty(name)));
    List<String> appArgs = new ArrayList<>();
    properties.forEach((key, value) -> appArgs.add("--" + key + "=" + value));
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(NerveApplication.class).run(appArgs.toArray(String[]::new))) {
      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String token = login(http, port);
      HttpRequest graphql =
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/graphql"))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + token)
              .POST(HttpRequest.BodyPublishers.ofString(QUERY))
              .build();
      var stub =
          EnvironmentServiceGrpc.newBlockingStub(
              context.getBean(ChannelFactory.class).channel(Target.INSTALLATION));
      Identity admin = new Identity("default", TestServers.ADMIN_USERNAME, Set.of("admin"));
      CheckEnvironmentRequest request = CheckEnvironmentRequest.newBuilder().addCheckIds("java.version").build();
      Runnable direct = () -> IdentityContext.callAs(admin, () -> stub.check(request));
      Runnable viaGateway = () -> send(http, graphql);

      measure(direct, warmup, null);
      measure(viaGateway, warmup, null);
      Latencies directLatency = new Latencies(samples);
      Latencies gatewayLatency = new Latencies(samples);
      // Interleaved in blocks so both paths see the same machine state.
      for (int block = 0; block < 10; block++) {
        measure(direct, samples / 10, directLatency);
        measure(viaGateway, samples / 10, gatewayLatency);
      }
      double rps = throughput(viaGateway, clients, throughputSeconds);

      double directP50 = directLatency.percentileMs(50);
      double directP99 = directLatency.percentileMs(99);
      double gatewayP50 = gatewayLatency.percentileMs(50);
      double gatewayP99 = gatewayLatency.percentileMs(99);
      ResultsFile results = new ResultsFile();
      results.parameter("samples", samples);
      results.parameter("warmup", warmup);
      results.parameter("clients", clients);
      results.parameter("throughputSeconds", throughputSeconds);
      results.parameter("operation", "installation.environment.check(java.version)");
      results.metric("gateway.overhead_p50_ms", gatewayP50 - directP50, "ms");
      results.metric("gateway.overhead_p99_ms", gatewayP99 - directP99, "ms");
      results.metric("gateway.graphql_rps", rps, "requests/s");
      results.metric("gateway.graphql_p50_ms", gatewayP50, "ms");
      results.metric("gateway.graphql_p99_ms", gatewayP99, "ms");
      results.metric("gateway.direct_grpc_p50_ms", directP50, "ms");
      results.metric("gateway.direct_grpc_p99_ms", directP99, "ms");
      results.metric("gateway.latency_ratio_p50", gatewayP50 / directP50, "ratio");
      results.write(Path.of(System.getProperty("results", "bench/results/gateway.json")), "gateway", System.getProperty("commit", "unknown"));
      System.out.printf(
          "direct p50 %.3f p99 %.3f ms | graphql p50 %.3f p99 %.3f ms | overhead p50 %.3f p99 %.3f ms | %.0f rps%n",
          directP50, directP99, gatewayP50, gatewayP99, gatewayP50 - directP50, gatewayP99 - directP99, rps);
    }
  }

  private static String login(HttpClient http, int port) throws Exception {
    String body =
        "{\"username\":\"" + TestServers.ADMIN_USERNAME + "\",\"password\":\"" + TestServers.adminPassword() + "\"}";
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher token = ACCESS_TOKEN.matcher(response.body());
    if (response.statusCode() != 200 || !token.find()) {
      throw new IllegalStateException("login failed: " + response.statusCode() + " " + response.body());
    }
    return token.group(1);
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

  private static void measure(Runnable call, int count, Latencies into) {
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      call.run();
      if (into != null) {
        into.add(System.nanoTime() - start);
      }
    }
  }

  private static double throughput(Runnable call, int clients, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(
          pool.submit(
              () -> {
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
