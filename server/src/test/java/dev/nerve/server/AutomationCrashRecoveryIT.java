package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.GetExecutionRequest;
import dev.nerve.api.automation.v1.StepAttempt;
import dev.nerve.api.automation.v1.StepResult;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityClientInterceptor;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.identity.InternalSecret;
import dev.nerve.platform.storage.DatabaseEndpoint;
import dev.nerve.testing.TestPorts;
import dev.nerve.testing.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery of the automation engine with two engine instances as two OS processes on one
 * PostgreSQL: the process running a step is killed with SIGKILL in the middle of it; the other
 * process takes the step over once the dead one's lease (missed heartbeats) expires, and the
 * execution completes. The recorded attempt timings prove the two attempts never overlapped. The
 * killed steps are the kept next step of a chain and the first step of an execution started on
 * the killed process (held by it since Execute, heartbeated by it, never claimed).
 */
class AutomationCrashRecoveryIT {

  private static final Duration HEARTBEAT = Duration.ofMillis(500);
  private static final int MISSED_HEARTBEATS = 4;

  /** Its own database: engines of other test contexts of this JVM must not claim its steps. */
  private static final DatabaseEndpoint DATABASE = TestServers.isolatedDatabase();

  private static NerveProcess engine(String name, int grpcPort, String secret) {
    Map<String, String> properties = new LinkedHashMap<>(TestServers.applicationProperties(DATABASE));
    properties.put("nerve.targets", "automation");
    properties.put("nerve.grpc.port", Integer.toString(grpcPort));
    properties.put("server.port", "0");
    properties.put("nerve.automation.engine.name", name);
    properties.put("nerve.automation.engine.poll-interval", "100ms");
    properties.put("nerve.automation.engine.heartbeat-interval", HEARTBEAT.toMillis() + "ms");
    properties.put("nerve.automation.engine.missed-heartbeats", Integer.toString(MISSED_HEARTBEATS));
    List<String> args = new ArrayList<>();
    properties.forEach((k, v) -> args.add("--" + k + "=" + v));
    return NerveProcess.start(args, Map.of("NERVE_INTERNAL_SECRET", secret));
  }

  private static WorkflowServiceGrpc.WorkflowServiceBlockingStub stub(ManagedChannel channel) {
    return WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Test
  void aStepKilledMidwayCompletesOnTheOtherEngineWithoutOverlappingAttempts() throws Exception {
    String secret = "crash-" + UUID.randomUUID() + UUID.randomUUID();
    int portA = TestPorts.free();
    int portB = TestPorts.free();
    Identity alice = new Identity("t-" + UUID.randomUUID(), "alice", Set.of("operator"));
    try (NerveProcess a = engine("engine-a", portA, secret);
        NerveProcess b = engine("engine-b", portB, secret)) {
      a.awaitStarted(Duration.ofSeconds(120));
      b.awaitStarted(Duration.ofSeconds(120));
      Map<String, NerveProcess> processes = Map.of("engine-a", a, "engine-b", b);
      Map<String, ManagedChannel> channels = new LinkedHashMap<>();
      for (var entry : Map.of("engine-a", portA, "engine-b", portB).entrySet()) {
        channels.put(entry.getKey(), NettyChannelBuilder.forAddress("127.0.0.1", entry.getValue()).usePlaintext()
            .intercept(new IdentityClientInterceptor(InternalSecret.of(secret))).build());
      }
      try {
        // "crashy": the killed step is the kept next step of a chain; "first": the killed step is the
        // first step of an execution started on engine-a, held by it since Execute without a claim.
        for (String definition : List.of("""
            {"id": "crashy", "steps": [
              {"id": "prep", "actionId": "log", "input": {"message": "prep"}},
              {"id": "slow", "actionId": "delay", "dependsOn": ["prep"], "input": {"ms": 6000}},
              {"id": "after", "actionId": "log", "dependsOn": ["slow"], "input": {"message": "after"}}
            ]}""", """
            {"id": "first", "steps": [
              {"id": "slow", "actionId": "delay", "input": {"ms": 6000}},
              {"id": "after", "actionId": "log", "dependsOn": ["slow"], "input": {"message": "after"}}
            ]}""")) {
          Workflow.Builder workflow = Workflow.newBuilder();
          com.google.protobuf.util.JsonFormat.parser().merge(definition, workflow);
          IdentityContext.callAs(alice, () -> stub(channels.get("engine-a"))
              .create(CreateWorkflowRequest.newBuilder().setWorkflow(workflow).build()));
        }
        Map<String, String> runs = new LinkedHashMap<>();
        for (String workflowId : List.of("crashy", "first")) {
          ExecutionResult started = IdentityContext.callAs(alice, () -> stub(channels.get("engine-a"))
              .execute(ExecuteWorkflowRequest.newBuilder().setWorkflowId(workflowId).setInput(Struct.getDefaultInstance())
                  .setReturnImmediately(true).build()));
          runs.put(workflowId, started.getExecutionId());
        }
        String holder = awaitRunningAttempt(runs.get("crashy"), "slow");
        assertThat(awaitRunningAttempt(runs.get("first"), "slow")).as("the engine Execute started it on").isEqualTo("engine-a");
        assertThat(holder).as("the chain runs on where its first step started").isEqualTo("engine-a");
        assertThat(heldSinceExecute(runs.get("first"), "slow")).as("held by engine-a at version 1: never claimed").isTrue();
        // Alive for longer than a lease: its own heartbeats keep both steps from being taken over.
        Thread.sleep(HEARTBEAT.multipliedBy(MISSED_HEARTBEATS).plusMillis(1000).toMillis());
        for (String runId : runs.values()) {
          assertThat(attempts(runId, "slow")).as("attempts of %s before the kill", runId).isEqualTo(1);
        }
        Instant killedAt = Instant.now();
        processes.get(holder).process().destroyForcibly();
        assertThat(processes.get(holder).process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        String survivor = holder.equals("engine-a") ? "engine-b" : "engine-a";

        for (String runId : runs.values()) {
          ExecutionResult[] done = new ExecutionResult[1];
          Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            done[0] = IdentityContext.callAs(alice, () -> stub(channels.get(survivor))
                .getExecution(GetExecutionRequest.newBuilder().setExecutionId(runId).build()));
            return done[0].getStatus() != ExecutionStatus.EXECUTION_STATUS_RUNNING;
          });
          ExecutionResult run = done[0];
          assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);

          List<StepAttempt> slow = step(run, "slow").getAttemptHistoryList();
          assertThat(slow).as(run.toString()).hasSize(2);
          StepAttempt killed = slow.get(0);
          StepAttempt rerun = slow.get(1);
          assertThat(killed.getWorker()).isEqualTo(holder);
          assertThat(killed.getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_ABANDONED);
          assertThat(rerun.getWorker()).isEqualTo(survivor);
          assertThat(rerun.getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_SUCCEEDED);
          Instant killedStart = instant(killed.getStartedAt());
          Instant killedLastHeartbeat = instant(killed.getFinishedAt());
          Instant rerunStart = instant(rerun.getStartedAt());
          // The first attempt ran until the kill; its last recorded sign of life is no later.
          assertThat(killedStart).isBefore(killedAt);
          assertThat(killedLastHeartbeat).isBeforeOrEqualTo(killedAt.plusMillis(50));
          // No overlap: the second attempt started after the first one's process was dead, and not
          // before the lease of the dead worker had expired.
          assertThat(rerunStart).isAfter(killedAt);
          assertThat(Duration.between(killedLastHeartbeat, rerunStart))
              .isGreaterThanOrEqualTo(HEARTBEAT.multipliedBy(MISSED_HEARTBEATS).minusMillis(HEARTBEAT.toMillis()));
          assertThat(Duration.between(rerunStart, instant(rerun.getFinishedAt()))).isGreaterThanOrEqualTo(Duration.ofMillis(6000));
          // Every other step ran exactly once, and the execution completed once.
          if (runId.equals(runs.get("crashy"))) {
            assertThat(step(run, "prep").getAttemptHistoryCount()).isEqualTo(1);
          }
          assertThat(step(run, "after").getAttemptHistoryCount()).isEqualTo(1);
          assertThat(instant(step(run, "after").getAttemptHistory(0).getStartedAt())).isAfterOrEqualTo(instant(rerun.getFinishedAt()));
          assertThat(attemptsOverlap(runId)).as("overlapping attempts of one step").isZero();
          assertThat(completions(runId)).as("completions of the killed step").isEqualTo(1);
        }
      } finally {
        channels.values().forEach(ManagedChannel::shutdownNow);
      }
    }
  }

  private static StepResult step(ExecutionResult run, String id) {
    return run.getStepsList().stream().filter(s -> s.getStepId().equals(id)).findFirst().orElseThrow();
  }

  private static Instant instant(com.google.protobuf.Timestamp ts) {
    return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
  }

  private static Connection database() throws Exception {
    return DriverManager.getConnection(DATABASE.jdbcUrl(), DATABASE.username(), DATABASE.password());
  }

  /** Waits until a step has a running attempt; returns the engine running it. */
  private static String awaitRunningAttempt(String runId, String step) {
    String[] worker = new String[1];
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      try (Connection c = database();
          PreparedStatement q = c.prepareStatement(
              "SELECT worker FROM automation.step_attempt WHERE run_id = ?::uuid AND step_key = ? AND status = 'RUNNING'")) {
        q.setString(1, runId);
        q.setString(2, step);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            worker[0] = rs.getString(1);
            return true;
          }
          return false;
        }
      }
    });
    return worker[0];
  }

  /** Whether the step's first attempt's db-scheduler execution is held by engine-a at the version it was inserted with. */
  private static boolean heldSinceExecute(String runId, String step) throws Exception {
    try (Connection c = database();
        PreparedStatement q = c.prepareStatement(
            "SELECT picked AND picked_by = 'engine-a' AND version = 1 FROM automation.scheduled_tasks"
                + " WHERE task_name = 'automation-step' AND task_instance = ?")) {
      q.setString(1, runId + "/" + step + "/1");
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static int attempts(String runId, String step) throws Exception {
    return count("SELECT count(*) FROM automation.step_attempt WHERE run_id = ?::uuid AND step_key = ?", runId, step);
  }

  /** Attempts of the killed step that completed (recorded as succeeded). */
  private static int completions(String runId) throws Exception {
    return count(
        "SELECT count(*) FROM automation.step_attempt WHERE run_id = ?::uuid AND step_key = 'slow' AND status = 'SUCCEEDED'",
        runId);
  }

  /** Pairs of attempts of one step whose [start, end] intervals intersect (end: finished_at). */
  private static int attemptsOverlap(String runId) throws Exception {
    return count(
        "SELECT count(*) FROM automation.step_attempt x JOIN automation.step_attempt y"
            + " ON x.run_id = y.run_id AND x.step_key = y.step_key AND x.attempt < y.attempt"
            + " WHERE x.run_id = ?::uuid AND y.started_at < coalesce(x.finished_at, 'infinity')",
        runId);
  }

  /** The count a query with text parameters answers. */
  private static int count(String sql, String... params) throws Exception {
    try (Connection c = database(); PreparedStatement q = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        q.setString(i + 1, params[i]);
      }
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
