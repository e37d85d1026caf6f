package dev.nerve.automation.engine;

import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.StepAttempt;
import dev.nerve.api.automation.v1.StepResult;
import dev.nerve.api.automation.v1.StepStatus;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.Plans;
import dev.nerve.platform.error.NerveException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read side of executions: one execution with every step (in definition order, forEach items
 * after their step, steps not reached yet as PENDING) and every attempt, and pages of executions.
 */
public final class Executions {

  private final RunRepository runs;
  private final Plans plans;

  Executions(RunRepository runs, Plans plans) {
    this.runs = runs;
    this.plans = plans;
  }

  /** Parses an execution id; a malformed one is NOT_FOUND like an unknown one. */
  public static UUID id(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw NerveException.invalid(field, "required", "must not be empty");
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw NerveException.notFound("execution", value);
    }
  }

  /** One execution of the tenant with its steps and attempts. */
  public ExecutionResult get(String tenantId, UUID id) {
    RunRow run = runs.run(tenantId, id).orElseThrow(() -> NerveException.notFound("execution", id.toString()));
    return full(run);
  }

  ExecutionResult full(RunRow run) {
    ExecutionResult.Builder result = summary(run).toBuilder();
    Plan plan = plans.get(run.tenantId(), run.workflowId(), run.version());
    Map<String, List<StepAttempt>> attempts = new HashMap<>();
    for (Object[] a : runs.attempts(run.id())) {
      StepAttempt.Builder attempt =
          StepAttempt.newBuilder()
              .setAttempt((Integer) a[1])
              .setStatus(AttemptStatus.valueOf("ATTEMPT_STATUS_" + a[2]))
              .setError((String) a[5])
              .setWorker((String) a[6])
              .setIdempotencyKey(Dispatch.attemptId(run.id(), (String) a[0], (Integer) a[1]))
              .setStartedAt(Times.proto((Instant) a[7]));
      if (a[3] != null) {
        attempt.setInput(Json.value((String) a[3]));
      }
      if (a[4] != null) {
        attempt.setOutput(Json.value((String) a[4]));
      }
      if (a[8] != null) {
        attempt.setFinishedAt(Times.proto((Instant) a[8]));
      }
      attempts.computeIfAbsent((String) a[0], k -> new ArrayList<>()).add(attempt.build());
    }
    List<StepRow> rows = new ArrayList<>(runs.steps(run.id()));
    Map<String, StepRow> byKey = new HashMap<>();
    rows.forEach(r -> byKey.put(r.key(), r));
    for (Plan.StepPlan sp : plan.steps().values()) {
      StepRow row = byKey.get(sp.id());
      if (row == null) {
        if (!sp.step().getCompensation()) {
          result.addSteps(StepResult.newBuilder().setStepId(sp.id()).setDefinitionStepId(sp.id())
              .setStatus(StepStatus.STEP_STATUS_PENDING));
        }
      } else {
        result.addSteps(step(row, attempts));
      }
      rows.stream()
          .filter(r -> r.itemIndex() != null && r.stepId().equals(sp.id()))
          .sorted(Comparator.comparing(StepRow::itemIndex))
          .forEach(r -> result.addSteps(step(r, attempts)));
    }
    return result.build();
  }

  private static StepResult step(StepRow row, Map<String, List<StepAttempt>> attempts) {
    List<StepAttempt> history = attempts.getOrDefault(row.key(), List.of());
    StepResult.Builder step =
        StepResult.newBuilder()
            .setStepId(row.key())
            .setDefinitionStepId(row.stepId())
            .setStatus(row.status())
            .setError(row.error())
            .setAttempts(history.size())
            .addAllAttemptHistory(history);
    if (row.status() == StepStatus.STEP_STATUS_SUCCEEDED && row.output() != null) {
      step.setOutput(row.output());
    }
    if (row.startedAt() != null) {
      step.setStartedAt(Times.proto(row.startedAt()));
    }
    if (row.finishedAt() != null) {
      step.setFinishedAt(Times.proto(row.finishedAt()));
    }
    if (row.childRunId() != null) {
      step.setChildExecutionId(row.childRunId().toString());
    }
    return step.build();
  }

  /** An execution without its steps (list pages). */
  public static ExecutionResult summary(RunRow run) {
    ExecutionResult.Builder result =
        ExecutionResult.newBuilder()
            .setExecutionId(run.id().toString())
            .setWorkflowId(run.workflowId())
            .setWorkflowVersion(run.version())
            .setStatus(run.status())
            .setInput(run.input())
            .setError(run.error())
            .setIdempotencyKey(run.idempotencyKey())
            .setTrigger(run.trigger())
            .setSeq(run.seq())
            .setStartedAt(Times.proto(run.createdAt()));
    if (run.output() != null && run.output().hasStructValue()) {
      result.setOutput(run.output().getStructValue());
    }
    if (run.finishedAt() != null) {
      result.setFinishedAt(Times.proto(run.finishedAt()));
    }
    if (run.parentRunId() != null) {
      result.setParentExecutionId(run.parentRunId().toString());
    }
    if (run.deadline() != null) {
      result.setDeadline(Times.proto(run.deadline()));
    }
    return result.build();
  }

  /** Whether a status ends an execution. */
  public static boolean terminal(ExecutionStatus status) {
    return status != ExecutionStatus.EXECUTION_STATUS_RUNNING && status != ExecutionStatus.EXECUTION_STATUS_QUEUED
        && status != ExecutionStatus.EXECUTION_STATUS_UNSPECIFIED;
  }

  public List<RunRow> list(
      String tenantId, String workflowId, ExecutionStatus status, Instant after, Instant before, String trigger,
      Instant cursorAt, UUID cursorId, int limit) {
    return runs.list(tenantId, workflowId, status, after, before, trigger, cursorAt, cursorId, limit);
  }
}
