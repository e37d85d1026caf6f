package dev.nerve.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.StepAttempt;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first action step of an execution started on this replica: started in Execute's own
 * transaction and held by this replica without db-scheduler's claim when there is room, through
 * the queue when there is none.
 */
class LocalStartIT extends AutomationIT {

  @Autowired AutomationProperties properties;
  @Autowired LocalStarts local;
  @Autowired Engine engine;
  @Autowired TransactionTemplate tx;

  private String worker() {
    return EngineConfiguration.workerName(properties.engine());
  }

  /** The step's db-scheduler execution: picked, picked_by, version; empty when there is none. */
  private Map<String, Object> row(String executionId, String step) {
    return jdbc.sql("SELECT picked, picked_by, version FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ?")
        .params(TaskNames.STEP, executionId + "/" + step + "/1")
        .query()
        .listOfRows()
        .stream()
        .findFirst()
        .orElse(Map.of());
  }

  private Object heartbeat(String executionId) {
    return jdbc.sql("SELECT last_heartbeat::text FROM automation.scheduled_tasks WHERE task_name = ? AND task_instance = ?")
        .params(TaskNames.STEP, executionId + "/a/1").query(String.class).single();
  }

  @Test
  void theFirstStepStartsInExecutesTransactionAndRunsHereWithoutAClaim() {
    t.create(alice, """
        {"id": "one-slow", "steps": [{"id": "a", "actionId": "delay", "input": {"ms": 3000}}]}""");
    ExecutionResult started = t.start(alice, "one-slow", "{}");
    String id = started.getExecutionId();
    // When Execute returns, the attempt was inserted by the transaction that inserted the execution
    // (same xmin: nothing has touched either row since), and its execution is held by this replica
    // at the version it was inserted with: db-scheduler's claim would have made it 2.
    Map<String, Object> attempt = jdbc.sql(
            "SELECT a.worker, a.status, a.xmin::text = r.xmin::text AS same FROM automation.step_attempt a"
                + " JOIN automation.run r ON r.id = a.run_id WHERE a.run_id = ?::uuid AND a.step_key = 'a'")
        .param(id).query().singleRow();
    assertThat(attempt).containsEntry("worker", worker()).containsEntry("status", "RUNNING").containsEntry("same", true);
    assertThat(row(id, "a")).containsEntry("picked", true).containsEntry("picked_by", worker()).containsEntry("version", 1L);
    assertThat(local.inFlight()).isPositive();
    // This replica heartbeats it (db-scheduler only heartbeats what it claimed itself).
    Object inserted = heartbeat(id);
    Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> !heartbeat(id).equals(inserted));

    ExecutionResult run = t.awaitEnd(alice, id, Duration.ofSeconds(30));
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    List<StepAttempt> attempts = run.getSteps(0).getAttemptHistoryList();
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).getWorker()).isEqualTo(worker());
    assertThat(attempts.get(0).getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_SUCCEEDED);
    assertThat(row(id, "a")).as("the fence released the execution").isEmpty();

    // A 1-step transform execution, the benchmark's: runs here, once, and leaves nothing behind.
    t.create(alice, """
        {"id": "one-quick", "steps": [{"id": "a", "actionId": "transform", "input": {"expression": "'x'"}}]}""");
    ExecutionResult quick = t.run(alice, "one-quick", "{}");
    assertThat(quick.getStatus()).as(quick.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(quick.getSteps(0).getAttemptHistoryList()).singleElement()
        .satisfies(a -> assertThat(a.getWorker()).isEqualTo(worker()));
    assertThat(row(quick.getExecutionId(), "a")).isEmpty();
  }

  @Test
  void whenThisReplicaHasNoRoomTheFirstStepGoesThroughTheQueue() {
    t.create(alice, """
        {"id": "fill", "steps": [{"id": "a", "actionId": "delay", "input": {"ms": 4000}}]}""");
    t.create(alice, """
        {"id": "late", "steps": [{"id": "a", "actionId": "delay", "input": {"ms": 1000}}]}""");
    int threads = properties.engine().threads();
    List<String> fill = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      fill.add(t.start(alice, "fill", "{}").getExecutionId());
    }
    // Every place of this replica is taken (by its own starts, or by db-scheduler's claims of them).
    assertThat(local.inFlight()).isPositive();
    String late = t.start(alice, "late", "{}").getExecutionId();
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> Boolean.TRUE.equals(row(late, "a").get("picked")));
    // Claimed by db-scheduler (a new version), not held since Execute (version 1).
    assertThat(row(late, "a")).containsEntry("picked_by", worker()).containsEntry("version", 2L);

    ExecutionResult run = t.awaitEnd(alice, late, Duration.ofSeconds(30));
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(run.getSteps(0).getAttemptHistoryList()).singleElement()
        .satisfies(a -> assertThat(a.getWorker()).isEqualTo(worker()));
    for (String id : fill) {
      assertThat(t.awaitEnd(alice, id, Duration.ofSeconds(30)).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    }
  }

  @Test
  void aStartThatRollsBackRunsNothingAndFreesItsPlace() {
    t.create(alice, """
        {"id": "undone", "steps": [{"id": "a", "actionId": "log", "input": {"message": "never"}}]}""");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> local.inFlight() == 0);
    tx.executeWithoutResult(status -> {
      engine.startRun(new Engine.Start(dev.nerve.automation.support.Principal.of(alice), "undone", null,
          com.google.protobuf.Struct.getDefaultInstance(), "manual", ""));
      assertThat(local.inFlight()).as("a place reserved for its first step").isEqualTo(1);
      status.setRollbackOnly();
    });
    assertThat(local.inFlight()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM automation.run WHERE tenant_id = ?").param(alice.tenantId())
        .query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM automation.step_attempt a JOIN automation.run r ON r.id = a.run_id"
        + " WHERE r.tenant_id = ?").param(alice.tenantId()).query(Long.class).single()).isZero();
  }
}
