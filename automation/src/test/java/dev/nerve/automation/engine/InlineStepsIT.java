package dev.nerve.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.StepResult;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.AutomationTestApplication;
import dev.nerve.automation.AutomationTests;
import dev.nerve.automation.TestKinds;
import dev.nerve.automation.support.Principal;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.testing.TestServers;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Steps of pure action kinds ({@code transform}) run in place, in the transaction that makes them
 * due, and commit (or roll back) with it; other kinds still go through an attempt of their own.
 */
class InlineStepsIT extends AutomationIT {

  @Autowired AutomationProperties properties;
  @Autowired Engine engine;
  @Autowired TransactionTemplate tx;

  /** The attempt's worker and status, and whether its row was last written by the transaction that last wrote {@code otherSql}'s row. */
  private Map<String, Object> attempt(String executionId, String step, String otherSql) {
    return jdbc.sql("SELECT a.worker, a.status, a.xmin::text = (" + otherSql + ") AS same_transaction"
            + " FROM automation.step_attempt a WHERE a.run_id = ?::uuid AND a.step_key = ?")
        .params(executionId, executionId, step)
        .query()
        .singleRow();
  }

  private long queued(String executionId) {
    return jdbc.sql("SELECT count(*) FROM automation.scheduled_tasks WHERE task_instance LIKE ?")
        .param(executionId + "/%").query(Long.class).single();
  }

  @Test
  void pureStepsRunInTheTransactionThatMakesThemDueAndOtherKindsInAnAttemptOfTheirOwn() {
    t.create(alice, """
        {"id": "mixed", "steps": [
          {"id": "a", "actionId": "transform", "input": {"expression": "params.n * 2.0", "n": "${input.n}"}},
          {"id": "b", "actionId": "log", "dependsOn": ["a"], "input": {"message": "between"}},
          {"id": "c", "actionId": "transform", "dependsOn": ["b"], "input": {"expression": "params.v + 1.0", "v": "${steps.a.output}"}}
        ]}""");
    ExecutionResult started = t.start(alice, "mixed", "{\"n\": 20}");
    String id = started.getExecutionId();
    // a ran in Execute's transaction: its attempt was written, ended, by the transaction that inserted the run.
    assertThat(attempt(id, "a", "SELECT r.xmin::text FROM automation.run r WHERE r.id = ?::uuid"))
        .containsEntry("status", "SUCCEEDED")
        .containsEntry("worker", EngineConfiguration.workerName(properties.engine()))
        .containsEntry("same_transaction", true);

    ExecutionResult run = t.awaitEnd(alice, id, Duration.ofSeconds(30));
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(run.getOutput().getFieldsOrThrow("c").getNumberValue()).isEqualTo(41.0);
    // c ran in the transaction that recorded the end of b's attempt (queued, run by a worker).
    assertThat(attempt(id, "c",
            "SELECT b.xmin::text FROM automation.step_attempt b WHERE b.run_id = ?::uuid AND b.step_key = 'b'"))
        .containsEntry("status", "SUCCEEDED")
        .containsEntry("same_transaction", true);
    for (StepResult step : run.getStepsList()) {
      assertThat(step.getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
      assertThat(step.getAttemptHistoryList()).singleElement().satisfies(a -> {
        assertThat(a.getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_SUCCEEDED);
        assertThat(a.hasFinishedAt()).isTrue();
        assertThat(a.getIdempotencyKey()).isEqualTo(id + "/" + step.getStepId() + "/1");
      });
    }
    assertThat(run.getSteps(0).getAttemptHistory(0).getInput().getStructValue().getFieldsOrThrow("n").getNumberValue())
        .isEqualTo(20.0);
    assertThat(queued(id)).isZero();
  }

  @Test
  void aPureChainEndsInExecuteAndItsFailuresFollowTheirPolicy() {
    t.create(alice, """
        {"id": "chain", "steps": [
          {"id": "a", "actionId": "transform", "input": {"expression": "params.missing.field"}, "onFailure": {"mode": "ON_FAILURE_MODE_CONTINUE"}},
          {"id": "b", "actionId": "transform", "dependsOn": ["a"], "input": {"expression": "'after ' + params.s", "s": "${steps.a.status}"}},
          {"id": "c", "actionId": "transform", "dependsOn": ["b"], "input": {"expression": "1 / 0"}}
        ]}""");
    ExecutionResult started = t.start(alice, "chain", "{}");
    // Every step is pure: the execution had ended when Execute returned, with nothing queued.
    ExecutionResult run = t.get(alice, started.getExecutionId());
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(run.getError()).startsWith("step c failed: expression:");
    assertThat(run.getSteps(0).getStatus()).isEqualTo(StepStatus.STEP_STATUS_FAILED);
    assertThat(run.getSteps(0).getAttemptHistory(0).getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_FAILED);
    assertThat(run.getSteps(1).getOutput().getStringValue()).isEqualTo("after failed");
    assertThat(run.getSteps(2).getAttemptHistoryList()).singleElement()
        .satisfies(a -> assertThat(a.getError()).startsWith("expression:"));
    assertThat(queued(started.getExecutionId())).isZero();
  }

  @Test
  void atMostTheBoundRunsInPlacePerTransactionAndTheRestIsQueued() {
    int steps = InlineSteps.MAX_PER_TRANSACTION + 50;
    StringBuilder chain = new StringBuilder("{\"id\": \"long\", \"steps\": [");
    for (int i = 0; i < steps; i++) {
      chain.append(i == 0 ? "" : ",").append("{\"id\": \"s").append(i).append("\", \"actionId\": \"transform\"")
          .append(i == 0 ? "" : ", \"dependsOn\": [\"s" + (i - 1) + "\"]")
          .append(", \"input\": {\"expression\": \"params.n\", \"n\": ").append(i).append("}}");
    }
    t.create(alice, chain.append("]}").toString());
    String id = t.start(alice, "long", "{}").getExecutionId();
    ExecutionResult run = t.awaitEnd(alice, id, Duration.ofSeconds(30));
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(run.getOutput().getFieldsOrThrow("s" + (steps - 1)).getNumberValue()).isEqualTo(steps - 1);
    // Transactions that wrote attempts: Execute's (the first MAX), then the queued step's end (the rest).
    var writers = jdbc.sql("SELECT xmin::text AS tx, count(*) AS n FROM automation.step_attempt"
            + " WHERE run_id = ?::uuid GROUP BY xmin::text ORDER BY min(started_at)")
        .param(id).query().listOfRows();
    assertThat(writers).extracting(w -> ((Number) w.get("n")).intValue())
        .containsExactly(InlineSteps.MAX_PER_TRANSACTION, steps - InlineSteps.MAX_PER_TRANSACTION);
  }

  @Test
  void aPureStepWhoseKindIsAtItsLimitIsQueuedInsteadOfRunInPlace() {
    t.create(alice, """
        {"id": "limited", "steps": [{"id": "a", "actionId": "transform", "input": {"expression": "'ok'"}}]}""");
    Map<String, Object> settings = new HashMap<>(TestServers.applicationProperties());
    settings.put("nerve.targets", "automation");
    settings.put("nerve.automation.engine.poll-interval", "50ms");
    settings.put("nerve.automation.engine.name", "limited-replica");
    settings.put("nerve.automation.engine.max-steps-per-kind", "1");
    try (ConfigurableApplicationContext limited = new SpringApplicationBuilder(AutomationTestApplication.class, TestKinds.class)
        .web(WebApplicationType.NONE).properties(settings).run()) {
      AutomationTests there = new AutomationTests(limited.getBean(ChannelFactory.class));
      // With room for one transform, that replica runs the step in place.
      String inPlace = there.start(alice, "limited", "{}").getExecutionId();
      assertThat(attempt(inPlace, "a", "SELECT r.xmin::text FROM automation.run r WHERE r.id = ?::uuid"))
          .containsEntry("worker", "limited-replica")
          .containsEntry("same_transaction", true);

      Runnable held = limited.getBean(ConcurrencyLimits.class).tryAcquire("another/workflow", "transform");
      assertThat(held).as("the kind's one slot").isNotNull();
      try {
        String queued = there.start(alice, "limited", "{}").getExecutionId();
        ExecutionResult run = t.awaitEnd(alice, queued, Duration.ofSeconds(30));
        assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
        // Queued: the limited replica could neither run it in place nor take it, so this one ran it.
        assertThat(run.getSteps(0).getAttemptHistoryList()).singleElement()
            .satisfies(a -> assertThat(a.getWorker()).isEqualTo(EngineConfiguration.workerName(properties.engine())));
      } finally {
        held.run();
      }
    }
  }

  @Test
  void aStartThatRollsBackLeavesNothingOfItsPureSteps() {
    t.create(alice, """
        {"id": "undone-pure", "steps": [{"id": "a", "actionId": "transform", "input": {"expression": "'never kept'"}}]}""");
    tx.executeWithoutResult(status -> {
      RunRow run = engine.startRun(new Engine.Start(Principal.of(alice), "undone-pure", null, Struct.getDefaultInstance(),
          "manual", ""));
      assertThat(run.status()).as("ended in the start's transaction").isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
      status.setRollbackOnly();
    });
    assertThat(jdbc.sql("SELECT count(*) FROM automation.run WHERE tenant_id = ?").param(alice.tenantId())
        .query(Long.class).single()).isZero();
    assertThat(jdbc.sql("SELECT count(*) FROM automation.step_attempt a WHERE NOT EXISTS"
        + " (SELECT 1 FROM automation.run r WHERE r.id = a.run_id)").query(Long.class).single()).isZero();
  }
}
