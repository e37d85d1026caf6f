package dev.nerve.bench.sdk;

import com.sun.net.httpserver.HttpServer;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.RegisterEndpointRequest;
import dev.nerve.bench.BenchServer;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What {@code sdk.call} costs on top of the HTTP request it makes: the same GET of a small JSON
 * document from a loopback server, once with the JDK's {@link HttpClient} directly and once as
 * {@code ApiEndpointService/Call} on the in-process channel (identity, permission, endpoint
 * lookup, parameter validation, rendering, the outbound guard's checks and client, JSON parsing
 * of the answer). The two run round-robin in one process, so both see the same machine state.
 * Then calls/s with several concurrent callers. Writes {@code bench/results/sdk.json}.
 *
 * <p>Run: see docs/benchmarks.md. Uses the servers named by NERVE_TEST_DATABASE_URL /
 * NERVE_TEST_REDIS_URL, embedded otherwise.
 */
public final class SdkCallBenchmark {

  private static final byte[] ANSWER = "{\"ok\":true,\"items\":[1,2,3],\"name\":\"bench\"}".getBytes(StandardCharsets.UTF_8);

  private SdkCallBenchmark() {}

  public static void main(String[] args) throws Exception {
    int warmup = Integer.getInteger("warmup", 3_000);
    int samples = Integer.getInteger("samples", 5_000);
    int clients = Integer.getInteger("clients", 4);
    int seconds = Integer.getInteger("seconds", 15);

    // The JDK's server leaves Nagle's algorithm on by default, which holds a response body back
    // until the client acknowledges the headers (40 ms with delayed ACKs): measure the client side.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    upstream.setExecutor(Executors.newFixedThreadPool(clients + 2));
    upstream.createContext("/item", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, ANSWER.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ANSWER);
      }
    });
    upstream.start();
    String base = "http://127.0.0.1:" + upstream.getAddress().getPort();

    try (ConfigurableApplicationContext context =
        BenchServer.start(Target.SDK.id(), Map.of("nerve.outbound.allow-cidrs", "127.0.0.1/32"))) {
      var stub = ApiEndpointServiceGrpc.newBlockingStub(context.getBean(ChannelFactory.class).channel(Target.SDK));
      Identity admin = new Identity("bench", "bench-admin", Set.of("admin"));
      IdentityContext.callAs(admin, () -> stub.register(RegisterEndpointRequest.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setName("bench.item").setBaseUrl(base).setPathTemplate("/item")
              .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10)))
          .build()));
      CallEndpointRequest call = CallEndpointRequest.newBuilder().setEndpoint("bench.item")
          .setParams(com.google.protobuf.Struct.newBuilder()
              .putFields("id", com.google.protobuf.Value.newBuilder().setStringValue("7").build()))
          .build();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest direct = HttpRequest.newBuilder(URI.create(base + "/item?id=7")).timeout(Duration.ofSeconds(10)).GET().build();

      Runnable viaSdk = () -> {
        CallEndpointResponse response = IdentityContext.callAs(admin, () -> stub.call(call));
        if (response.getStatusCode() != 200) {
          throw new IllegalStateException("sdk.call answered " + response.getStatusCode());
        }
      };
      Runnable viaJdk = () -> send(http, direct);
      Latencies sdk = new Latencies(samples);
      Latencies jdk = new Latencies(samples);
      measure(viaSdk, viaJdk, null, null, warmup);
      measure(viaSdk, viaJdk, sdk, jdk, samples);
      double callsPerSecond = throughput(viaSdk, clients, seconds);

      ResultsFile results = new ResultsFile();
      results.parameter("samples", samples);
      results.parameter("warmup", warmup);
      results.parameter("clients", clients);
      results.parameter("throughputSeconds", seconds);
      results.parameter("operation", "GET of a 45-byte JSON document from a loopback server: ApiEndpointService/Call vs JDK HttpClient");
      results.parameter("load", loadAverage());
      results.metric("sdk.call_overhead_p50_ms", sdk.percentileMs(50) - jdk.percentileMs(50), "ms");
      results.metric("sdk.call_overhead_p99_ms", sdk.percentileMs(99) - jdk.percentileMs(99), "ms");
      results.metric("sdk.calls_per_s", callsPerSecond, "calls/s");
      results.metric("sdk.call_p50_ms", sdk.percentileMs(50), "ms");
      results.metric("sdk.call_p99_ms", sdk.percentileMs(99), "ms");
      results.metric("sdk.direct_jdk_p50_ms", jdk.percentileMs(50), "ms");
      results.metric("sdk.direct_jdk_p99_ms", jdk.percentileMs(99), "ms");
      results.write(Path.of(System.getProperty("results", "bench/results/sdk.json")), "sdk", System.getProperty("commit", "unknown"));
      System.out.printf("sdk.call p50 %.3f ms p99 %.3f ms | JDK client p50 %.3f ms p99 %.3f ms%n",
          sdk.percentileMs(50), sdk.percentileMs(99), jdk.percentileMs(50), jdk.percentileMs(99));
      System.out.printf("overhead p50 %.3f ms p99 %.3f ms | %.0f calls/s with %d callers%n",
          sdk.percentileMs(50) - jdk.percentileMs(50), sdk.percentileMs(99) - jdk.percentileMs(99), callsPerSecond, clients);
    } finally {
      upstream.stop(0);
      ((ExecutorService) upstream.getExecutor()).shutdownNow();
    }
  }

  /** Alternates the two paths, one call of each per iteration, recording when given latencies. */
  private static void measure(Runnable sdk, Runnable jdk, Latencies sdkTimes, Latencies jdkTimes, int iterations) {
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      sdk.run();
      long middle = System.nanoTime();
      jdk.run();
      long end = System.nanoTime();
      if (sdkTimes != null) {
        sdkTimes.add(middle - start);
        jdkTimes.add(end - middle);
      }
    }
  }

  private static void send(HttpClient http, HttpRequest request) {
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("direct call answered " + response.statusCode());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double throughput(Runnable call, int clients, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(pool.submit(() -> {
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

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
