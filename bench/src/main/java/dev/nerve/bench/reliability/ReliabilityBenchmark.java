package dev.nerve.bench.reliability;

import dev.nerve.bench.BenchmarkRun;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reliability under overload (see docs/benchmarks.md): far more clients than the memory service
 * can serve store long-term memories with request ids for a fixed time, each call with a 10 s
 * deadline. Then every acknowledged write is read back, every write answered with a "nothing was
 * done" code (UNAVAILABLE, RESOURCE_EXHAUSTED) is checked not to be committed, and every
 * refused write that was committed anyway, and a sample of the others, is retried with its request
 * id to check no duplicate appears. Writes
 * bench/results/reliability.json.
 *
 * <p>Options: {@code --clients=128 --seconds=60 --deadline-seconds=10 --retry-sample=2000 --out=bench/results/reliability.json}.
 */
public final class ReliabilityBenchmark {

  /** A refusal at least this fast counts as "fast". */
  static final long FAST_MILLIS = 100;

  /** Callers retrying unacknowledged writes after the run. */
  static final int RETRY_CALLERS = 8;

  private ReliabilityBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkRun.options(args);
    int clients = Integer.parseInt(options.getOrDefault("clients", "128"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
    int deadlineSeconds = Integer.parseInt(options.getOrDefault("deadline-seconds", "10"));
    int retrySample = Integer.parseInt(options.getOrDefault("retry-sample", "2000"));
    Path out = Path.of(options.getOrDefault("out", "bench/results/reliability.json"));

    Path dataDir = Files.createTempDirectory("nerve-bench-reliability");
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(BenchApplication.class)
            .web(WebApplicationType.NONE)
            // Arguments, not default properties: they must win over application.yml (targets: all).
            .run(
                "--nerve.targets=memory",
                "--nerve.grpc.port=0",
                "--nerve.data-dir=" + dataDir,
                "--nerve.grpc.default-deadline=" + deadlineSeconds + "s",
                "--logging.level.root=WARN")) {
      Channel channel = context.getBean(ChannelFactory.class).channel(Target.MEMORY);
      Identity caller = new Identity("bench-" + UUID.randomUUID(), "user", Set.of("operator"));
      var stub = LongTermMemoryServiceGrpc.newBlockingStub(channel);
      IdentityContext.callAs(caller, () -> stub.store(request("warm-up")));

      Run run = overload(stub, caller, clients, seconds, deadlineSeconds);
      run.summarize();
      Check check = check(stub, caller, context.getBean(JdbcClient.class), run, retrySample);

      ResultsFile results = new ResultsFile();
      results.parameter("clients", clients);
      results.parameter("seconds", seconds);
      results.parameter("deadlineSeconds", deadlineSeconds);
      results.parameter("outcomes", run.codes);
      results.parameter("retried", check.retried);
      results.parameter("loadAverageAfter", BenchmarkRun.loadAverage());
      results.metric("reliability.acknowledged_lost", check.lost, "writes");
      results.metric("reliability.unacknowledged_committed", check.committedDespiteRefusal, "writes");
      results.metric("reliability.duplicates_after_retry", check.duplicates, "writes");
      results.metric("reliability.p99_ms_at_overload", run.all.percentileMs(99), "ms");
      results.metric("reliability.p50_ms_at_overload", run.all.percentileMs(50), "ms");
      results.metric("reliability.acknowledged_p99_ms", run.acknowledgedLatencies.percentileMs(99), "ms");
      results.metric("reliability.rejected_fast_ratio", run.fastRejectionRatio(), "ratio");
      results.metric("reliability.acknowledged_per_s", run.acknowledged.size() / (double) seconds, "writes/s");
      results.metric("reliability.deadline_exceeded", run.codes.getOrDefault(Status.Code.DEADLINE_EXCEEDED, 0), "calls");
      results.write(out, "reliability", BenchmarkRun.commit());
      System.out.printf(
          Locale.ROOT,
          "%d clients, %d s: outcomes %s, p99 %.1f ms, fast refusals %.3f, lost %d, committed despite refusal %d,"
              + " duplicates after retry %d%nwrote %s%n",
          clients,
          seconds,
          run.codes,
          run.all.percentileMs(99),
          run.fastRejectionRatio(),
          check.lost,
          check.committedDespiteRefusal,
          check.duplicates,
          out.toAbsolutePath());
    }
  }

  private static Run overload(
      LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub stub,
      Identity caller,
      int clients,
      int seconds,
      int deadlineSeconds)
      throws InterruptedException {
    Run run = new Run();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      int client = c;
      pool.submit(
          () -> {
            for (int i = 0; System.nanoTime() < end; i++) {
              StoreMemoryRequest request = request("client " + client + " note " + i);
              long started = System.nanoTime();
              Status.Code code = Status.Code.OK;
              try {
                StoreMemoryResponse response =
                    IdentityContext.callAs(
                        caller, () -> stub.withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS).store(request));
                run.acknowledged.put(request.getRequestId(), response.getMemory().getId());
              } catch (StatusRuntimeException e) {
                code = e.getStatus().getCode();
                run.refused.put(request.getRequestId(), new Refusal(request, code));
              }
              run.record(code, System.nanoTime() - started);
              if (code != Status.Code.OK) {
                // A well-behaved client backs off briefly before its next call.
                sleep(50);
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(seconds + deadlineSeconds + 30L, TimeUnit.SECONDS);
    return run;
  }

  private static Check check(
      LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub stub,
      Identity caller,
      JdbcClient jdbc,
      Run run,
      int retrySample)
      throws InterruptedException {
    Check check = new Check();
    for (String id : run.acknowledged.values()) {
      try {
        IdentityContext.callAs(caller, () -> stub.get(GetMemoryRequest.newBuilder().setId(id).build()));
      } catch (StatusRuntimeException e) {
        check.lost++;
      }
    }
    List<Refusal> retries = new ArrayList<>();
    List<Refusal> others = new ArrayList<>();
    for (Map.Entry<String, Refusal> refused : run.refused.entrySet()) {
      Status.Code code = refused.getValue().code();
      boolean committed =
          jdbc.sql("SELECT count(*) FROM memory.idempotency_key WHERE tenant_id = ? AND request_id = ?")
                  .params(caller.tenantId(), refused.getKey())
                  .query(Long.class)
                  .single()
              > 0;
      if (committed && (code == Status.Code.UNAVAILABLE || code == Status.Code.RESOURCE_EXHAUSTED)) {
        check.committedDespiteRefusal++;
      }
      // A refused write that was committed anyway is the one a retry could duplicate: retry all of
      // those, and a seeded sample of the rest (retrying tens of thousands would take longer than
      // the run itself and proves nothing more).
      (committed ? retries : others).add(refused.getValue());
    }
    Collections.shuffle(others, new Random(42));
    retries.addAll(others.subList(0, Math.min(retrySample, others.size())));
    check.retried = retries.size();
    // Retry as clients would, unhurried and a few at a time, each with its request id.
    ExecutorService pool = Executors.newFixedThreadPool(RETRY_CALLERS);
    for (Refusal refusal : retries) {
      pool.submit(
          () -> {
            for (int attempt = 0; attempt < 20; attempt++) {
              try {
                IdentityContext.callAs(caller, () -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).store(refusal.request()));
                return;
              } catch (StatusRuntimeException e) {
                sleep(200);
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.HOURS);
    // Every request's text is unique, so a second memory with the same text is a duplicate.
    check.duplicates =
        jdbc.sql("SELECT count(*) - count(DISTINCT text) FROM memory.long_term_memory WHERE tenant_id = ?")
            .param(caller.tenantId())
            .query(Long.class)
            .single();
    return check;
  }

  private static StoreMemoryRequest request(String text) {
    return StoreMemoryRequest.newBuilder()
        .setText(text + " " + UUID.randomUUID())
        .setSkipDeduplication(true)
        .setRequestId(UUID.randomUUID().toString())
        .build();
  }

  /** A write answered with an error. */
  private record Refusal(StoreMemoryRequest request, Status.Code code) {}

  /** What the overload phase saw. */
  private static final class Run {
    final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    final Map<String, Refusal> refused = new ConcurrentHashMap<>();
    final Map<Status.Code, Integer> codes = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>();
    Latencies all;
    Latencies acknowledgedLatencies;

    void record(Status.Code code, long nanos) {
      codes.merge(code, 1, Integer::sum);
      calls.add(new long[] {code.value(), nanos});
    }

    double fastRejectionRatio() {
      long refusals = calls.stream().filter(c -> c[0] != Status.Code.OK.value()).count();
      long fast =
          calls.stream()
              .filter(c -> c[0] != Status.Code.OK.value() && c[1] <= TimeUnit.MILLISECONDS.toNanos(FAST_MILLIS))
              .count();
      return refusals == 0 ? 1.0 : fast / (double) refusals;
    }

    void summarize() {
      all = new Latencies(calls.size());
      acknowledgedLatencies = new Latencies(Math.max(1, calls.size()));
      for (long[] call : calls) {
        all.add(call[1]);
        if (call[0] == Status.Code.OK.value()) {
          acknowledgedLatencies.add(call[1]);
        }
      }
    }
  }

  /** What the checks after the run found. */
  private static final class Check {
    long lost;
    long committedDespiteRefusal;
    long duplicates;
    long retried;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }


  /** Boots the memory target alone. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class BenchApplication {}

}
