package dev.nerve.automation.engine;

import static dev.nerve.automation.AutomationTests.as;
import static dev.nerve.automation.AutomationTests.fails;
import static dev.nerve.automation.AutomationTests.freshTenant;
import static dev.nerve.automation.AutomationTests.json;
import static dev.nerve.automation.AutomationTests.operator;
import static dev.nerve.automation.AutomationTests.viewer;
import static dev.nerve.automation.AutomationTests.workflow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.CancelExecutionRequest;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.EmitEventRequest;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.GetExecutionRequest;
import dev.nerve.api.automation.v1.ListExecutionsRequest;
import dev.nerve.api.automation.v1.RetryExecutionRequest;
import dev.nerve.api.automation.v1.StepAttempt;
import dev.nerve.api.automation.v1.StepResult;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.api.automation.v1.UpdateWorkflowRequest;
import dev.nerve.api.automation.v1.WatchExecutionRequest;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.automation.AutomationIT;
import dev.nerve.automation.AutomationTests;
import dev.nerve.automation.TestKinds;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.target.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The engine through WorkflowService against real PostgreSQL and Redis. */
class WorkflowEngineIT extends AutomationIT {



  private static StepResult step(ExecutionResult run, String id) {
    return run.getStepsList().stream().filter(s -> s.getStepId().equals(id)).findFirst().orElseThrow();
  }

  private static Instant started(StepResult step) {
    return Times.instant(step.getAttemptHistory(0).getStartedAt());
  }

  private static Instant finished(StepResult step) {
    return Times.instant(step.getAttemptHistory(step.getAttemptHistoryCount() - 1).getFinishedAt());
  }

  @Test
  void dependenciesRunInOrderAndIndependentBranchesRunInParallel() {
    t.create(alice, """
        {"id": "dag", "steps": [
          {"id": "a", "actionId": "log", "input": {"message": "start"}},
          {"id": "b", "actionId": "delay", "dependsOn": ["a"], "input": {"ms": 700}},
          {"id": "c", "actionId": "delay", "dependsOn": ["a"], "input": {"ms": 700}},
          {"id": "d", "actionId": "transform", "dependsOn": ["b", "c"], "input": {"expression": "'joined'"}}
        ]}""");
    ExecutionResult run = t.run(alice, "dag", "{}");
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    StepResult a = step(run, "a");
    StepResult b = step(run, "b");
    StepResult c = step(run, "c");
    StepResult d = step(run, "d");
    assertThat(started(b)).isAfterOrEqualTo(finished(a));
    assertThat(started(c)).isAfterOrEqualTo(finished(a));
    // b and c overlap: each started before the other finished.
    assertThat(started(b)).isBefore(finished(c));
    assertThat(started(c)).isBefore(finished(b));
    assertThat(started(d)).isAfterOrEqualTo(finished(b)).isAfterOrEqualTo(finished(c));
    assertThat(run.getOutput().getFieldsOrThrow("d").getStringValue()).isEqualTo("joined");
  }

  @Test
  void aFalseConditionSkipsTheStepAndItsDependentsStillRun() {
    t.create(alice, """
        {"id": "cond", "steps": [
          {"id": "big", "actionId": "log", "condition": "input.amount > 100", "input": {"message": "big"}},
          {"id": "small", "actionId": "log", "condition": "input.amount <= 100", "input": {"message": "small"}},
          {"id": "after", "actionId": "log", "dependsOn": ["big", "small"], "input": {"message": "done"}}
        ]}""");
    ExecutionResult run = t.run(alice, "cond", "{\"amount\": 42}");
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(step(run, "big").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(step(run, "small").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(step(run, "after").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
  }

  @Test
  void switchRunsOnlyTheChosenBranch() {
    t.create(alice, """
        {"id": "route", "steps": [
          {"id": "pick", "switch": {"value": "input.kind",
             "cases": [{"equals": "bug", "steps": ["triage"]}, {"equals": "feature", "steps": ["plan"]}],
             "defaultSteps": ["ignore"]}},
          {"id": "triage", "actionId": "log", "dependsOn": ["pick"], "input": {"message": "triage"}},
          {"id": "plan", "actionId": "log", "dependsOn": ["pick"], "input": {"message": "plan"}},
          {"id": "ignore", "actionId": "log", "dependsOn": ["pick"], "input": {"message": "ignore"}}
        ]}""");
    ExecutionResult feature = t.run(alice, "route", "{\"kind\": \"feature\"}");
    assertThat(step(feature, "plan").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(step(feature, "triage").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(step(feature, "ignore").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
    assertThat(step(feature, "pick").getOutput().getStructValue().getFieldsOrThrow("case").getNumberValue()).isEqualTo(1);
    ExecutionResult other = t.run(alice, "route", "{\"kind\": \"question\"}");
    assertThat(step(other, "ignore").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(step(other, "plan").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SKIPPED);
  }

  @Test
  void forEachRunsEveryItemWithAtMostItsConcurrency() {
    t.create(alice, """
        {"id": "each", "steps": [
          {"id": "work", "forEach": {"items": "input.items", "concurrency": 2, "actionId": "transform",
             "input": {"expression": "params.v * 10.0", "v": "${item}", "ms": "${index}"}}},
          {"id": "slow", "forEach": {"items": "input.items", "concurrency": 2, "actionId": "delay",
             "input": {"ms": 300}}}
        ]}""");
    ExecutionResult run = t.run(alice, "each", "{\"items\": [1, 2, 3, 4, 5, 6]}");
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(step(run, "work").getOutput().getListValue().getValuesList())
        .extracting(v -> v.getNumberValue())
        .containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0);
    List<StepResult> items = run.getStepsList().stream().filter(s -> s.getStepId().startsWith("slow[")).toList();
    assertThat(items).hasSize(6);
    for (StepResult item : items) {
      Instant at = started(item);
      long running = items.stream().filter(o -> !started(o).isAfter(at) && finished(o).isAfter(at)).count();
      assertThat(running).as("items running when %s started", item.getStepId()).isLessThanOrEqualTo(2);
    }
    Instant firstEnd = items.stream().map(WorkflowEngineIT::finished).min(Instant::compareTo).orElseThrow();
    assertThat(items.stream().filter(o -> started(o).isBefore(firstEnd)).count()).as("items running together").isEqualTo(2);
  }

  @Test
  void waitStepResumesAfterItsDurationWithoutHoldingAWorker() {
    t.create(alice, """
        {"id": "pause", "steps": [
          {"id": "hold", "wait": {"duration": "1.200s"}},
          {"id": "go", "actionId": "log", "dependsOn": ["hold"], "input": {"message": "go"}}
        ]}""");
    ExecutionResult started = t.start(alice, "pause", "{}");
    ExecutionResult waiting = t.awaitStep(alice, started.getExecutionId(), "hold", StepStatus.STEP_STATUS_WAITING);
    assertThat(step(waiting, "go").getStatus()).isEqualTo(StepStatus.STEP_STATUS_PENDING);
    ExecutionResult run = t.awaitEnd(alice, started.getExecutionId(), Duration.ofSeconds(30));
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(Duration.between(Times.instant(run.getStartedAt()), started(step(run, "go")))).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void waitForEventResumesOnTheMatchingKeyOnlyAndTimesOutOtherwise() {
    t.create(alice, """
        {"id": "approval", "steps": [
          {"id": "approved", "waitForEvent": {"event": "order.approved", "key": "input.orderId", "timeout": "30s"}},
          {"id": "ship", "actionId": "log", "dependsOn": ["approved"], "input": {"message": "ship by ${steps.approved.output.by}"}}
        ]}""");
    ExecutionResult started = t.start(alice, "approval", "{\"orderId\": \"o-1\"}");
    t.awaitStep(alice, started.getExecutionId(), "approved", StepStatus.STEP_STATUS_WAITING);
    var other = as(alice, () -> t.triggers().emitEvent(EmitEventRequest.newBuilder().setName("order.approved").setKey("o-2")
        .setPayload(json("{\"by\": \"bob\"}")).build()));
    assertThat(other.getResumedSteps()).isZero();
    Identity mallory = operator(freshTenant());
    assertThat(as(mallory, () -> t.triggers().emitEvent(EmitEventRequest.newBuilder().setName("order.approved").setKey("o-1")
        .build())).getResumedSteps()).isZero();
    var matching = as(alice, () -> t.triggers().emitEvent(EmitEventRequest.newBuilder().setName("order.approved").setKey("o-1")
        .setPayload(json("{\"by\": \"carol\"}")).build()));
    assertThat(matching.getResumedSteps()).isEqualTo(1);
    ExecutionResult run = t.awaitEnd(alice, started.getExecutionId(), Duration.ofSeconds(30));
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(step(run, "ship").getOutput().getStructValue().getFieldsOrThrow("message").getStringValue()).isEqualTo("ship by carol");

    t.create(alice, """
        {"id": "impatient", "steps": [
          {"id": "approved", "waitForEvent": {"event": "order.approved", "key": "input.orderId", "timeout": "0.500s"}}
        ]}""");
    ExecutionResult timedOut = t.run(alice, "impatient", "{\"orderId\": \"o-9\"}");
    assertThat(timedOut.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(step(timedOut, "approved").getError()).contains("no event order.approved");
  }

  @Test
  void subWorkflowRunsAsAChildExecutionAndPassesItsOutput() {
    t.create(alice, """
        {"id": "child", "steps": [{"id": "calc", "actionId": "transform", "input": {"expression": "params.n + 1.0", "n": "${input.n}"}}]}""");
    t.create(alice, """
        {"id": "parent", "steps": [
          {"id": "sub", "subWorkflow": {"workflowId": "child", "input": {"n": "${input.start}"}}},
          {"id": "use", "actionId": "transform", "dependsOn": ["sub"], "input": {"expression": "params.v", "v": "${steps.sub.output.calc}"}}
        ]}""");
    ExecutionResult run = t.run(alice, "parent", "{\"start\": 41}");
    assertThat(run.getStatus()).as(run.toString()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(step(run, "use").getOutput().getNumberValue()).isEqualTo(42.0);
    ExecutionResult child = t.get(alice, step(run, "sub").getChildExecutionId());
    assertThat(child.getParentExecutionId()).isEqualTo(run.getExecutionId());
    assertThat(child.getTrigger()).isEqualTo("subworkflow:" + run.getExecutionId());

    t.create(alice, """
        {"id": "broken-child", "steps": [{"id": "boom", "actionId": "test.fail", "input": {"message": "child broke"}}]}""");
    t.create(alice, """
        {"id": "sad-parent", "steps": [{"id": "sub", "subWorkflow": {"workflowId": "broken-child"}}]}""");
    ExecutionResult failed = t.run(alice, "sad-parent", "{}");
    assertThat(failed.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(step(failed, "sub").getError()).contains("ended FAILED").contains("child broke");
  }

  @Test
  void retriesFollowTheBackoffAndEachAttemptIsRecorded() {
    t.create(alice, """
        {"id": "flaky", "steps": [
          {"id": "call", "actionId": "test.flaky", "input": {"failTimes": 2},
           "retry": {"maxAttempts": 4, "initialBackoff": "0.300s", "backoffMultiplier": 2}}
        ]}""");
    ExecutionResult run = t.run(alice, "flaky", "{}");
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    List<StepAttempt> attempts = step(run, "call").getAttemptHistoryList();
    assertThat(attempts).extracting(StepAttempt::getStatus).containsExactly(
        AttemptStatus.ATTEMPT_STATUS_FAILED, AttemptStatus.ATTEMPT_STATUS_FAILED, AttemptStatus.ATTEMPT_STATUS_SUCCEEDED);
    assertThat(attempts).extracting(StepAttempt::getIdempotencyKey).doesNotHaveDuplicates();
    Duration firstGap = Duration.between(Times.instant(attempts.get(0).getFinishedAt()), Times.instant(attempts.get(1).getStartedAt()));
    Duration secondGap = Duration.between(Times.instant(attempts.get(1).getFinishedAt()), Times.instant(attempts.get(2).getStartedAt()));
    assertThat(firstGap).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(secondGap).isGreaterThanOrEqualTo(Duration.ofMillis(600));

    t.create(alice, """
        {"id": "hopeless", "steps": [
          {"id": "call", "actionId": "test.fail", "input": {"retryable": true},
           "retry": {"maxAttempts": 3, "initialBackoff": "0.050s", "jitter": 0.5}}
        ]}""");
    ExecutionResult failed = t.run(alice, "hopeless", "{}");
    assertThat(failed.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(step(failed, "call").getAttemptHistoryCount()).isEqualTo(3);
  }

  @Test
  void stepAndExecutionTimeoutsStopWhatRunsTooLong() {
    t.create(alice, """
        {"id": "slow-step", "steps": [{"id": "nap", "actionId": "delay", "input": {"ms": 5000}, "timeout": "0.300s"}]}""");
    ExecutionResult run = t.run(alice, "slow-step", "{}");
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    StepAttempt attempt = step(run, "nap").getAttemptHistory(0);
    assertThat(attempt.getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_TIMED_OUT);
    assertThat(Duration.between(Times.instant(attempt.getStartedAt()), Times.instant(attempt.getFinishedAt()))).isLessThan(Duration.ofSeconds(3));

    t.create(alice, """
        {"id": "slow-run", "timeout": "1s", "steps": [{"id": "forever", "wait": {"duration": "3600s"}}]}""");
    ExecutionResult timedOut = t.run(alice, "slow-run", "{}");
    assertThat(timedOut.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_TIMED_OUT);
    assertThat(step(timedOut, "forever").getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    // The wake-up timer is dropped with the end; the timeout's own execution goes once it returns.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pendingWork(timedOut.getExecutionId()) == 0);
  }

  @Test
  void aFailingStepRunsItsCompensationThenFailsTheExecution() {
    t.create(alice, """
        {"id": "saga", "steps": [
          {"id": "reserve", "actionId": "log", "input": {"message": "reserved"}},
          {"id": "charge", "actionId": "test.fail", "dependsOn": ["reserve"], "input": {"message": "card declined"},
           "onFailure": {"mode": "ON_FAILURE_MODE_COMPENSATE", "compensationStep": "release"}},
          {"id": "ship", "actionId": "log", "dependsOn": ["charge"], "input": {"message": "shipped"}},
          {"id": "release", "compensation": true, "actionId": "log", "input": {"message": "released after ${steps.charge.error}"}},
          {"id": "optional", "actionId": "test.fail", "continueOnError": true}
        ]}""");
    ExecutionResult run = t.run(alice, "saga", "{}");
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(run.getError()).contains("charge").contains("card declined");
    assertThat(step(run, "release").getStatus()).isEqualTo(StepStatus.STEP_STATUS_SUCCEEDED);
    assertThat(step(run, "release").getOutput().getStructValue().getFieldsOrThrow("message").getStringValue())
        .isEqualTo("released after card declined");
    assertThat(step(run, "ship").getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);

    t.create(alice, """
        {"id": "tolerant", "steps": [
          {"id": "optional", "actionId": "test.fail", "onFailure": {"mode": "ON_FAILURE_MODE_CONTINUE"}},
          {"id": "next", "actionId": "log", "dependsOn": ["optional"], "input": {"message": "${steps.optional.status}"}}
        ]}""");
    ExecutionResult tolerant = t.run(alice, "tolerant", "{}");
    assertThat(tolerant.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(step(tolerant, "next").getOutput().getStructValue().getFieldsOrThrow("message").getStringValue()).isEqualTo("failed");
  }

  @Test
  void runningExecutionsKeepTheirVersionAfterAnUpdate() {
    t.create(alice, """
        {"id": "pinned", "steps": [
          {"id": "hold", "waitForEvent": {"event": "go", "key": "'pinned'"}},
          {"id": "v", "actionId": "transform", "dependsOn": ["hold"], "input": {"expression": "'one'"}}
        ]}""");
    ExecutionResult first = t.start(alice, "pinned", "{}");
    t.awaitStep(alice, first.getExecutionId(), "hold", StepStatus.STEP_STATUS_WAITING);
    var updated = as(alice, () -> t.workflows().update(UpdateWorkflowRequest.newBuilder().setId("pinned").setExpectedVersion(1)
        .setWorkflow(workflow("""
            {"steps": [
              {"id": "hold", "waitForEvent": {"event": "go", "key": "'pinned'"}},
              {"id": "v", "actionId": "transform", "dependsOn": ["hold"], "input": {"expression": "'two'"}}
            ]}""")).build()));
    assertThat(updated.getVersion()).isEqualTo(2);
    fails(() -> as(alice, () -> t.workflows().update(UpdateWorkflowRequest.newBuilder().setId("pinned").setExpectedVersion(1)
        .setWorkflow(workflow("{\"steps\": [{\"id\": \"x\", \"actionId\": \"log\"}]}")).build())), ErrorCode.CONFLICT, null);
    ExecutionResult second = t.start(alice, "pinned", "{}");
    t.awaitStep(alice, second.getExecutionId(), "hold", StepStatus.STEP_STATUS_WAITING);
    as(alice, () -> t.triggers().emitEvent(EmitEventRequest.newBuilder().setName("go").setKey("pinned").build()));
    ExecutionResult one = t.awaitEnd(alice, first.getExecutionId(), Duration.ofSeconds(30));
    ExecutionResult two = t.awaitEnd(alice, second.getExecutionId(), Duration.ofSeconds(30));
    assertThat(one.getWorkflowVersion()).isEqualTo(1);
    assertThat(step(one, "v").getOutput().getStringValue()).isEqualTo("one");
    assertThat(two.getWorkflowVersion()).isEqualTo(2);
    assertThat(step(two, "v").getOutput().getStringValue()).isEqualTo("two");
  }

  @Test
  void cancelStopsTheExecutionAndDropsItsPendingWork() {
    t.create(alice, """
        {"id": "long", "steps": [
          {"id": "nap", "actionId": "delay", "input": {"ms": 20000}},
          {"id": "hold", "wait": {"duration": "3600s"}},
          {"id": "after", "actionId": "log", "dependsOn": ["hold"], "input": {"message": "never"}}
        ]}""");
    ExecutionResult started = t.start(alice, "long", "{}");
    t.awaitStep(alice, started.getExecutionId(), "nap", StepStatus.STEP_STATUS_RUNNING);
    t.awaitStep(alice, started.getExecutionId(), "hold", StepStatus.STEP_STATUS_WAITING);
    ExecutionResult cancelled = as(alice, () -> t.workflows().cancelExecution(
        CancelExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).setReason("changed my mind").build()));
    assertThat(cancelled.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_CANCELLED);
    assertThat(cancelled.getError()).isEqualTo("changed my mind");
    assertThat(step(cancelled, "hold").getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    assertThat(step(cancelled, "nap").getAttemptHistory(0).getStatus()).isEqualTo(AttemptStatus.ATTEMPT_STATUS_CANCELLED);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pendingWork(started.getExecutionId()) == 0);
    ExecutionResult again = as(alice, () -> t.workflows().cancelExecution(
        CancelExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build()));
    assertThat(again.getError()).isEqualTo("changed my mind");
  }

  @Test
  void retryResumesAFailedExecutionFromItsFailedSteps() {
    TestKinds.GATE_OPEN.set(false);
    t.create(alice, """
        {"id": "gated", "steps": [
          {"id": "prepare", "actionId": "transform", "input": {"expression": "'prepared'"}},
          {"id": "gate", "actionId": "test.gate", "dependsOn": ["prepare"]},
          {"id": "finish", "actionId": "log", "dependsOn": ["gate"], "input": {"message": "${steps.prepare.output}"}}
        ]}""");
    ExecutionResult failed = t.run(alice, "gated", "{}");
    assertThat(failed.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_FAILED);
    assertThat(step(failed, "finish").getStatus()).isEqualTo(StepStatus.STEP_STATUS_CANCELLED);
    TestKinds.GATE_OPEN.set(true);
    ExecutionResult retried = as(alice, () -> t.workflows().retryExecution(
        RetryExecutionRequest.newBuilder().setExecutionId(failed.getExecutionId()).build()));
    assertThat(retried.getExecutionId()).isEqualTo(failed.getExecutionId());
    ExecutionResult done = t.awaitEnd(alice, failed.getExecutionId(), Duration.ofSeconds(30));
    assertThat(done.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(step(done, "prepare").getAttemptHistoryCount()).isEqualTo(1);
    assertThat(step(done, "gate").getAttemptHistoryList()).extracting(StepAttempt::getAttempt).containsExactly(1, 2);
    assertThat(step(done, "finish").getOutput().getStructValue().getFieldsOrThrow("message").getStringValue()).isEqualTo("prepared");
    fails(() -> as(alice, () -> t.workflows().retryExecution(
        RetryExecutionRequest.newBuilder().setExecutionId(failed.getExecutionId()).build())), ErrorCode.FAILED_PRECONDITION, null);
  }

  @Test
  void repeatingARequestIdReturnsTheFirstExecution() {
    t.create(alice, """
        {"id": "once", "steps": [{"id": "a", "actionId": "log", "input": {"message": "hi"}}]}""");
    ExecuteWorkflowRequest request =
        ExecuteWorkflowRequest.newBuilder().setWorkflowId("once").setRequestId("req-1").setWaitTimeout(AutomationTests.millis(10_000)).build();
    ExecutionResult first = as(alice, () -> t.workflows().execute(request));
    ExecutionResult second = as(alice, () -> t.workflows().execute(request));
    assertThat(first.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(second.getExecutionId()).isEqualTo(first.getExecutionId());
    assertThat(second.getIdempotencyKey()).isEqualTo("req-1");
    var list = as(alice, () -> t.workflows().listExecutions(ListExecutionsRequest.newBuilder().setWorkflowId("once").build()));
    assertThat(list.getExecutionsCount()).isEqualTo(1);
    fails(() -> as(alice, () -> t.workflows().execute(request.toBuilder().setIdempotencyKey("other").build())),
        ErrorCode.INVALID_ARGUMENT, "requestId");
  }

  @Test
  void badDefinitionsAreRefusedWithPointersAndWriteNothing() {
    var e = fails(() -> t.create(alice, """
        {"id": "bad", "steps": [
          {"id": "a", "actionId": "log", "dependsOn": ["c"]},
          {"id": "b", "actionId": "no.such.action"},
          {"id": "c", "actionId": "log", "dependsOn": ["a"], "condition": "input.x >"},
          {"id": "d", "actionId": "log", "condition": "[1,2,3].all(x, [1,2,3].all(y, [1,2,3].all(z, x + y + z > 0)))"},
          {"id": "e", "actionId": "log", "input": {"message": "${steps.a.output"}},
          {"id": "f", "compensation": true, "actionId": "log"}
        ]}"""), ErrorCode.INVALID_ARGUMENT, null);
    assertThat(e.violations()).extracting("field", "rule").contains(
        org.assertj.core.groups.Tuple.tuple("workflow.steps[1].actionId", "known"),
        org.assertj.core.groups.Tuple.tuple("workflow.steps[0].dependsOn", "acyclic"),
        org.assertj.core.groups.Tuple.tuple("workflow.steps[2].condition", "cel"),
        org.assertj.core.groups.Tuple.tuple("workflow.steps[3].condition", "celCost"),
        org.assertj.core.groups.Tuple.tuple("workflow.steps[5].compensation", "reachable"));
    fails(() -> t.create(alice, "{\"id\": \"big\", \"steps\": [{\"id\": \"a\", \"actionId\": \"log\", \"input\": {\"message\": \""
        + "x".repeat(300_000) + "\"}}]}"), ErrorCode.INVALID_ARGUMENT, "workflow");
    fails(() -> t.create(alice, """
        {"id": "schema", "steps": [{"id": "a b", "actionId": "log", "retry": {"maxAttempts": 1000}}]}"""),
        ErrorCode.INVALID_ARGUMENT, "workflow.steps[0].retry.maxAttempts");
    fails(() -> as(alice, () -> t.workflows().create(CreateWorkflowRequest.newBuilder().setDefinitionYaml("""
        id: yaml-bad
        steps:
          - id: a
            actionId: log
            dependsOn: [zzz]
        """).build())), ErrorCode.INVALID_ARGUMENT, "definitionYaml.steps[0].dependsOn[0]");
    fails(() -> as(alice, () -> t.workflows().create(CreateWorkflowRequest.newBuilder().setDefinitionYaml("""
        id: yaml-bad
        steps:
          - id: a
            actionId: log
            bogus: 1
        """).build())), ErrorCode.INVALID_ARGUMENT, "definitionYaml.steps[0]");
    long written = jdbc.sql("SELECT count(*) FROM automation.workflow WHERE tenant_id = ?").param(alice.tenantId()).query(Long.class).single();
    assertThat(written).isZero();

    var yaml = as(alice, () -> t.workflows().create(CreateWorkflowRequest.newBuilder().setDefinitionYaml("""
        id: from-yaml
        name: From YAML
        steps:
          - id: a
            actionId: log
            input: {message: hello}
          - id: b
            actionId: log
            dependsOn: [a]
        """).build()));
    assertThat(yaml.getFlowchart()).startsWith("flowchart TD").contains("s0 --> s1");
  }

  @Test
  void watchStreamsTheSnapshotThenEveryChangeUntilTheEnd() throws Exception {
    t.create(alice, """
        {"id": "watched", "steps": [
          {"id": "hold", "waitForEvent": {"event": "release", "key": "'w'"}},
          {"id": "a", "actionId": "log", "dependsOn": ["hold"], "input": {"message": "a"}},
          {"id": "b", "actionId": "log", "dependsOn": ["a"], "input": {"message": "b"}}
        ]}""");
    ExecutionResult started = t.start(alice, "watched", "{}");
    t.awaitStep(alice, started.getExecutionId(), "hold", StepStatus.STEP_STATUS_WAITING);
    List<ExecutionEvent> events = new ArrayList<>();
    Thread reader = new Thread(() -> as(alice, () -> {
      Iterator<ExecutionEvent> it = WorkflowServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION))
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .watchExecution(WatchExecutionRequest.newBuilder().setExecutionId(started.getExecutionId()).build());
      it.forEachRemaining(events::add);
      return null;
    }));
    reader.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
    as(alice, () -> t.triggers().emitEvent(EmitEventRequest.newBuilder().setName("release").setKey("w").build()));
    reader.join(30_000);
    assertThat(events.get(0).getType()).isEqualTo(ExecutionEventType.EXECUTION_EVENT_TYPE_SNAPSHOT);
    assertThat(events.get(0).getSnapshot().getExecutionId()).isEqualTo(started.getExecutionId());
    ExecutionEvent last = events.get(events.size() - 1);
    assertThat(last.getType()).isEqualTo(ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION);
    assertThat(last.getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    assertThat(events).extracting(ExecutionEvent::getStepId).contains("hold", "a", "b");
    assertThat(events.stream().filter(ev -> ev.getStepId().equals("b")).map(ExecutionEvent::getStepStatus))
        .contains(StepStatus.STEP_STATUS_RUNNING, StepStatus.STEP_STATUS_SUCCEEDED);
    List<Long> seqs = events.stream().skip(1).map(ExecutionEvent::getSeq).toList();
    assertThat(seqs).isSorted();
  }

  @Test
  void otherTenantsAndViewersCannotTouchExecutions() {
    t.create(alice, """
        {"id": "private", "steps": [{"id": "a", "actionId": "log", "input": {"message": "hi"}}]}""");
    ExecutionResult run = t.run(alice, "private", "{}");
    Identity mallory = operator(freshTenant());
    fails(() -> t.get(mallory, run.getExecutionId()), ErrorCode.NOT_FOUND, null);
    fails(() -> t.start(mallory, "private", "{}"), ErrorCode.NOT_FOUND, null);
    fails(() -> as(mallory, () -> t.workflows().cancelExecution(CancelExecutionRequest.newBuilder()
        .setExecutionId(run.getExecutionId()).build())), ErrorCode.NOT_FOUND, null);
    Identity victor = viewer(alice.tenantId());
    assertThat(t.get(victor, run.getExecutionId()).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    fails(() -> t.start(victor, "private", "{}"), ErrorCode.PERMISSION_DENIED, null);
    fails(() -> as(alice, () -> t.workflows().getExecution(GetExecutionRequest.newBuilder().setExecutionId("nope").build())),
        ErrorCode.NOT_FOUND, null);
    var page = as(alice, () -> t.workflows().listExecutions(ListExecutionsRequest.newBuilder()
        .setPage(PageRequest.newBuilder().setPageSize(1)).build()));
    assertThat(page.getExecutionsCount()).isEqualTo(1);
  }

  @Test
  void finishedExecutionsArePurgedAfterTheRetention() {
    t.create(alice, """
        {"id": "old", "steps": [{"id": "a", "actionId": "log", "input": {"message": "x"}}]}""");
    ExecutionResult old = t.run(alice, "old", "{}");
    ExecutionResult recent = t.run(alice, "old", "{}");
    jdbc.sql("UPDATE automation.run SET finished_at = now() - interval '2 hours' WHERE id = ?::uuid")
        .param(old.getExecutionId()).update();
    int purged = new Maintenance(jdbc, () -> Duration.ofHours(1)).purge();
    assertThat(purged).isGreaterThanOrEqualTo(1);
    fails(() -> t.get(alice, old.getExecutionId()), ErrorCode.NOT_FOUND, null);
    assertThat(jdbc.sql("SELECT count(*) FROM automation.step_attempt WHERE run_id = ?::uuid").param(old.getExecutionId())
        .query(Long.class).single()).isZero();
    assertThat(t.get(alice, recent.getExecutionId()).getStatus()).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
  }

  private long pendingWork(String executionId) {
    return jdbc.sql("SELECT count(*) FROM automation.scheduled_tasks WHERE task_instance LIKE ?")
        .param(executionId + "%")
        .query(Long.class)
        .single();
  }
}
