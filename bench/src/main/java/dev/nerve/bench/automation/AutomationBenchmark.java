package dev.nerve.bench.automation;

import dev.nerve.bench.BenchmarkRun;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.CronSchedule;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.OverlapPolicy;
import dev.nerve.api.automation.v1.ScheduleTaskRequest;
import dev.nerve.api.automation.v1.Task;
import dev.nerve.api.automation.v1.TaskServiceGrpc;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.bench.Latencies;
import dev.nerve.bench.ResultsFile;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.platform.target.Target;
import dev.nerve.testing.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Automation benchmark (see docs/benchmarks.md): sustained step throughput of 1-step and 10-step
 * workflows with one and two engine instances, start-to-first-step latency, cron firing delay,
 * and PostgreSQL's own single-row INSERT + COMMIT rate with the same number of connections as
 * the ceiling. Engines are automation targets in this JVM sharing one PostgreSQL and Redis (those
 * of {@code NERVE_TEST_DATABASE_URL} / {@code NERVE_TEST_REDIS_URL}, or embedded ones), each with
 * its own pool and db-scheduler. Writes bench/results/automation.json.
 *
 * <p>Options: {@code --runs-1=20000 --runs-10=2000 --runs-queued=<runs-1> --warmup=<runs-1 / 20> --clients=8 --pool=16 --threads=16
 * --latency-runs=1000 --latency-rate=50 --cron-tasks=50 --cron-seconds=30 --commit-seconds=10
 * --instances=2 --pg-stats=false --out=bench/results/automation.json}; {@code --latency-runs=0},
 * {@code --cron-tasks=0} and {@code --instances=1} skip those measurements (for profiling runs).
 */
public final class AutomationBenchmark {

  private static final Identity BENCH = new Identity("bench-" + UUID.randomUUID(), "bench", Set.of("operator"));

  private AutomationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkRun.options(args);
    int runs1 = Integer.parseInt(options.getOrDefault("runs-1", "20000"));
    int runs10 = Integer.parseInt(options.getOrDefault("runs-10", "2000"));
    int runsQueued = Integer.parseInt(options.getOrDefault("runs-queued", Integer.toString(runs1)));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", Integer.toString(Math.max(100, runs1 / 20))));
    int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
    int pool = Integer.parseInt(options.getOrDefault("pool", "16"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "16"));
    int latencyRuns = Integer.parseInt(options.getOrDefault("latency-runs", "1000"));
    int latencyRate = Integer.parseInt(options.getOrDefault("latency-rate", "50"));
    int cronTasks = Integer.parseInt(options.getOrDefault("cron-tasks", "50"));
    int cronSeconds = Integer.parseInt(options.getOrDefault("cron-seconds", "30"));
    int commitSeconds = Integer.parseInt(options.getOrDefault("commit-seconds", "10"));
    int instances = Integer.parseInt(options.getOrDefault("instances", "2"));
    boolean pgStats = Boolean.parseBoolean(options.getOrDefault("pg-stats", "false"));
    Path out = Path.of(options.getOrDefault("out", "bench/results/automation.json"));

    ResultsFile results = new ResultsFile();
    results.parameter("runs1", runs1);
    results.parameter("runs10", runs10);
    results.parameter("runsQueued", runsQueued);
    results.parameter("warmupRuns", warmup);
    results.parameter("clients", clients);
    results.parameter("poolPerInstance", pool);
    results.parameter("threadsPerInstance", threads);
    results.parameter("latencyRuns", latencyRuns);
    results.parameter("latencyRatePerS", latencyRate);
    results.parameter("cronTasks", cronTasks);
    results.parameter("cronSeconds", cronSeconds);
    results.parameter("instances", instances);
    results.parameter("loadAverageBefore", BenchmarkRun.loadAverage());

    DatabaseEndpoint db = TestServers.database();
    double commits = commitRate(db, pool, Duration.ofSeconds(commitSeconds));
    results.metric("automation.pg_commits_per_s", commits, "commits/s");
    System.out.printf("PostgreSQL single-row INSERT+COMMIT, %d connections: %.0f/s%n", pool, commits);

    try (ConfigurableApplicationContext first = engine("engine-1", pool, threads)) {
      ChannelFactory channels = first.getBean(ChannelFactory.class);
      createWorkflows(channels);
      throughput(channels, db, "bench-1", 1, warmup, clients, false);
      double one1 = throughput(channels, db, "bench-1", 1, runs1, clients, pgStats);
      double one10 = throughput(channels, db, "bench-10", 10, runs10, clients, pgStats);
      double queued = runsQueued == 0 ? 0 : throughput(channels, db, "bench-1-queued", 1, runsQueued, clients, pgStats);
      if (runsQueued > 0) {
        results.metric("automation.steps_per_s_1_instance_queued", queued, "steps/s");
      }
      results.metric("automation.steps_per_s_1_instance", one1, "steps/s");
      results.metric("automation.steps_per_s_1_instance_10_step", one10, "steps/s");
      results.metric("automation.steps_per_s_1_instance_1_step", one1, "steps/s");
      results.metric("automation.steps_per_s_ratio_to_commits", one1 / commits, "ratio");
      System.out.printf("1 instance: %.0f steps/s (1-step), %.0f steps/s (10-step), %.0f steps/s (1-step, queued kind)%n",
          one1, one10, queued);

      if (latencyRuns > 0) {
        Latencies latency = startLatency(channels, db, "bench-1", latencyRuns, latencyRate);
        results.metric("automation.start_latency_p50_ms", latency.percentileMs(50), "ms");
        results.metric("automation.start_latency_p99_ms", latency.percentileMs(99), "ms");
        System.out.printf("start to first step: p50 %.1f ms, p99 %.1f ms%n", latency.percentileMs(50), latency.percentileMs(99));
        Latencies queuedLatency = startLatency(channels, db, "bench-1-queued", latencyRuns, latencyRate);
        results.metric("automation.start_latency_queued_p50_ms", queuedLatency.percentileMs(50), "ms");
        results.metric("automation.start_latency_queued_p99_ms", queuedLatency.percentileMs(99), "ms");
        System.out.printf("start to first step, queued kind: p50 %.1f ms, p99 %.1f ms%n", queuedLatency.percentileMs(50),
            queuedLatency.percentileMs(99));
      }

      if (cronTasks > 0) {
        Latencies cron = cronDelay(channels, db, cronTasks, cronSeconds);
        results.metric("automation.cron_delay_p50_ms", cron.percentileMs(50), "ms");
        results.metric("automation.cron_delay_p99_ms", cron.percentileMs(99), "ms");
        System.out.printf("cron firing delay: p50 %.1f ms, p99 %.1f ms%n", cron.percentileMs(50), cron.percentileMs(99));
      }

      if (instances < 2) {
        results.parameter("loadAverageAfter", BenchmarkRun.loadAverage());
        results.write(out, "automation", BenchmarkRun.commit());
        System.out.println("wrote " + out);
        System.exit(0);
      }
      try (ConfigurableApplicationContext second = engine("engine-2", pool, threads)) {
        System.out.println("second engine started: " + second.getId());
        // Both engines serve the calls, as behind a load balancer.
        List<ChannelFactory> both = List.of(channels, second.getBean(ChannelFactory.class));
        double two1 = throughput(both, db, "bench-1", 1, runs1, clients, pgStats);
        double two10 = throughput(both, db, "bench-10", 10, runs10, clients, pgStats);
        results.metric("automation.steps_per_s_2_instances", two1, "steps/s");
        results.metric("automation.steps_per_s_2_instances_10_step", two10, "steps/s");
        System.out.printf("2 instances: %.0f steps/s (1-step), %.0f steps/s (10-step)%n", two1, two10);
      }
    }
    results.parameter("loadAverageAfter", BenchmarkRun.loadAverage());
    results.write(out, "automation", BenchmarkRun.commit());
    System.out.println("wrote " + out);
    System.exit(0);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class BenchApplication {}

  private static ConfigurableApplicationContext engine(String name, int pool, int threads) throws IOException {
    Map<String, Object> properties = new HashMap<>(TestServers.applicationProperties());
    properties.put("nerve.targets", "automation");
    properties.put("nerve.data-dir", Files.createTempDirectory("nerve-bench-automation").toString());
    properties.put("nerve.database.max-pool-size", Integer.toString(pool));
    properties.put("nerve.automation.engine.name", name);
    properties.put("nerve.automation.engine.threads", Integer.toString(threads));
    properties.put("nerve.automation.engine.max-queued", "1000000");
    properties.put("management.tracing.sampling.probability", "0");
    properties.put("logging.level.root", "WARN");
    // As arguments: they win over application.yml (on this classpath through the server module).
    String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    return new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE).run(args);
  }

  private static WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows(ChannelFactory channels) {
    return WorkflowServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  private static void createWorkflows(ChannelFactory channels) throws Exception {
    StringBuilder ten = new StringBuilder("{\"id\": \"bench-10\", \"steps\": [");
    for (int i = 0; i < 10; i++) {
      ten.append(i == 0 ? "" : ",").append("{\"id\": \"s").append(i).append("\", \"actionId\": \"transform\"")
          .append(i == 0 ? "" : ", \"dependsOn\": [\"s" + (i - 1) + "\"]")
          .append(", \"input\": {\"expression\": \"params.n + 1.0\", \"n\": ").append(i).append("}}");
    }
    ten.append("]}");
    for (String json : List.of(
        "{\"id\": \"bench-1\", \"steps\": [{\"id\": \"s0\", \"actionId\": \"transform\", \"input\": {\"expression\": \"params.n + 1.0\", \"n\": 1}}]}",
        // A kind that is not pure: its step is queued and run by a worker, not in place.
        "{\"id\": \"bench-1-queued\", \"steps\": [{\"id\": \"s0\", \"actionId\": \"log\", \"input\": {\"message\": \"bench\"}}]}",
        ten.toString())) {
      Workflow.Builder workflow = Workflow.newBuilder();
      JsonFormat.parser().merge(json, workflow);
      IdentityContext.callAs(BENCH, () -> workflows(channels).create(CreateWorkflowRequest.newBuilder().setWorkflow(workflow).build()));
    }
  }

  /** Starts {@code runs} executions from {@code clients} threads on one engine; steps per second until all end. */
  private static double throughput(
      ChannelFactory channels, DatabaseEndpoint db, String workflow, int steps, int runs, int clients, boolean pgStats)
      throws Exception {
    return throughput(List.of(channels), db, workflow, steps, runs, clients, pgStats);
  }

  /**
   * Starts {@code runs} executions from {@code clients} threads, client {@code i} calling engine
   * {@code i % engines}; steps per second until all end.
   */
  private static double throughput(
      List<ChannelFactory> engines, DatabaseEndpoint db, String workflow, int steps, int runs, int clients, boolean pgStats)
      throws Exception {
    Connection poll = connect(db);
    Map<String, Long> statsBefore = pgStats ? pgStats(poll) : Map.of();
    long finishedBefore = finishedRuns(poll);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicLong next = new AtomicLong();
    long start = System.nanoTime();
    List<Future<?>> submitters = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      ChannelFactory channels = engines.get(c % engines.size());
      submitters.add(pool.submit(() -> IdentityContext.callAs(BENCH, () -> {
        while (next.getAndIncrement() < runs) {
          workflows(channels).execute(ExecuteWorkflowRequest.newBuilder().setWorkflowId(workflow)
              .setInput(Struct.getDefaultInstance()).setReturnImmediately(true).build());
        }
        return null;
      })));
    }
    for (Future<?> f : submitters) {
      f.get();
    }
    pool.shutdown();
    long polls = 0;
    while (finishedRuns(poll) - finishedBefore < runs) {
      polls++;
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (pgStats) {
      printStats(workflow, runs, runs * steps, polls, statsBefore, pgStats(poll));
    }
    poll.close();
    return (double) runs * steps / seconds;
  }

  /** Finished executions, read on the one connection the throughput measurement polls with. */
  private static long finishedRuns(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM automation.run WHERE finished_at IS NOT NULL")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * PostgreSQL's counters of this database (commits, rollbacks) and of each automation table
   * (scans, rows inserted, updated, deleted), after waiting for backends to report them.
   */
  private static Map<String, Long> pgStats(Connection c) throws Exception {
    Thread.sleep(1500);
    Map<String, Long> stats = new java.util.TreeMap<>();
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs = s.executeQuery(
          "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
        rs.next();
        stats.put("commits", rs.getLong(1));
        stats.put("rollbacks", rs.getLong(2));
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT relname, coalesce(seq_scan, 0), coalesce(idx_scan, 0), n_tup_ins, n_tup_upd, n_tup_del"
              + " FROM pg_stat_user_tables WHERE schemaname = 'automation'")) {
        while (rs.next()) {
          String table = rs.getString(1);
          String[] names = {"seq_scan", "idx_scan", "ins", "upd", "del"};
          for (int i = 0; i < names.length; i++) {
            stats.put(table + "." + names[i], rs.getLong(i + 2));
          }
        }
      }
    }
    return stats;
  }

  /** Prints the counters' growth during a measurement per step (the polling of its end excluded from commits). */
  private static void printStats(String workflow, int runs, int steps, long polls, Map<String, Long> before, Map<String, Long> after) {
    System.out.printf("PostgreSQL during %s (%d executions, %d steps), per step:%n", workflow, runs, steps);
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L) - (e.getKey().equals("commits") ? polls + 2 : 0);
      if (delta != 0) {
        System.out.printf("  %-36s %10d  %8.2f%n", e.getKey(), delta, (double) delta / steps);
      }
    }
  }

  /** Paced 1-step runs on an otherwise idle engine: time from sending Execute to the start of the first attempt. */
  private static Latencies startLatency(ChannelFactory channels, DatabaseEndpoint db, String workflow, int runs, int perSecond)
      throws Exception {
    List<String> ids = new ArrayList<>();
    List<java.time.Instant> sent = new ArrayList<>();
    long interval = 1_000_000_000L / perSecond;
    long next = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      while (System.nanoTime() < next) {
        Thread.onSpinWait();
      }
      next += interval;
      sent.add(java.time.Instant.now());
      ids.add(IdentityContext.callAs(BENCH, () -> workflows(channels).execute(ExecuteWorkflowRequest.newBuilder()
          .setWorkflowId(workflow).setReturnImmediately(true).build()).getExecutionId()));
    }
    Thread.sleep(2000);
    Latencies latencies = new Latencies(runs);
    // The engine runs in this JVM: the call's send time and the attempt's start are on one clock.
    try (Connection c = connect(db);
        PreparedStatement q = c.prepareStatement(
            "SELECT a.started_at FROM automation.step_attempt a WHERE a.run_id = ?::uuid AND a.attempt = 1")) {
      for (int i = 0; i < ids.size(); i++) {
        q.setString(1, ids.get(i));
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            java.time.Instant started = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            latencies.add(Math.max(0, Duration.between(sent.get(i), started).toNanos()));
          }
        }
      }
    }
    return latencies;
  }

  /** Cron tasks firing every second: delay from each occurrence to its execution's start. */
  private static Latencies cronDelay(ChannelFactory channels, DatabaseEndpoint db, int tasks, int seconds) throws Exception {
    TaskServiceGrpc.TaskServiceBlockingStub stub =
        TaskServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(60, TimeUnit.SECONDS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ids.add(IdentityContext.callAs(BENCH, () -> stub.schedule(ScheduleTaskRequest.newBuilder().setTask(Task.newBuilder()
          .setWorkflowId("bench-1").setOverlapPolicy(OverlapPolicy.OVERLAP_POLICY_ALLOW).setMaxRuns(seconds)
          .setCron(CronSchedule.newBuilder().setExpression("* * * * * *"))).build()).getId()));
    }
    Thread.sleep((seconds + 3) * 1000L);
    Latencies latencies = new Latencies(tasks * (seconds + 2));
    try (Connection c = connect(db);
        PreparedStatement q = c.prepareStatement(
            "SELECT created_at, idempotency_key FROM automation.run WHERE trigger = ?")) {
      for (String id : ids) {
        q.setString(1, "task:" + id);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            Instant created = rs.getTimestamp(1).toInstant();
            String key = rs.getString(2);
            Instant occurrence = Instant.ofEpochMilli(Long.parseLong(key.substring(key.lastIndexOf(':') + 1)));
            latencies.add(Duration.between(occurrence, created).toNanos());
          }
        }
      }
    }
    return latencies;
  }

  /** PostgreSQL's single-row INSERT + COMMIT rate with {@code connections} connections. */
  private static double commitRate(DatabaseEndpoint db, int connections, Duration duration) throws Exception {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS public.bench_commit (id bigserial PRIMARY KEY, v bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())");
    }
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicLong count = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    List<Future<?>> workers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      workers.add(pool.submit(() -> {
        try (Connection c = connect(db); PreparedStatement insert = c.prepareStatement("INSERT INTO public.bench_commit (v) VALUES (?)")) {
          c.setAutoCommit(false);
          long n = 0;
          while (System.nanoTime() < end) {
            insert.setLong(1, n++);
            insert.executeUpdate();
            c.commit();
            count.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    pool.shutdown();
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      s.execute("DROP TABLE public.bench_commit");
    }
    return count.get() / (duration.toNanos() / 1e9);
  }

  private static Connection connect(DatabaseEndpoint db) throws Exception {
    return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
  }

}
