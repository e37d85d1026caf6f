package dev.nerve.automation.workflow;

import dev.nerve.api.automation.v1.OnFailureMode;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated workflow version as the engine walks it: steps in definition order with their
 * dependencies and dependents, which steps each switch case owns, and the final steps whose
 * outputs make the execution's output.
 *
 * @param tenantId tenant
 * @param workflowId workflow
 * @param version version number
 * @param workflow the definition
 * @param steps step plans by id, in definition order
 */
public record Plan(String tenantId, String workflowId, long version, Workflow workflow, Map<String, StepPlan> steps) {

  /** Builds the plan of a definition that passed validation. */
  public static Plan of(String tenantId, String workflowId, long version, Workflow workflow) {
    Map<String, StepPlan> steps = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new LinkedHashMap<>();
    Map<String, String> branchOwner = new LinkedHashMap<>();
    for (WorkflowStep step : workflow.getStepsList()) {
      dependents.put(step.getId(), new ArrayList<>());
    }
    for (WorkflowStep step : workflow.getStepsList()) {
      for (String dep : new LinkedHashSet<>(step.getDependsOnList())) {
        dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(step.getId());
      }
      if (step.hasSwitch()) {
        step.getSwitch().getCasesList().forEach(c -> c.getStepsList().forEach(s -> branchOwner.put(s, step.getId())));
        step.getSwitch().getDefaultStepsList().forEach(s -> branchOwner.put(s, step.getId()));
      }
    }
    int index = 0;
    for (WorkflowStep step : workflow.getStepsList()) {
      OnFailureMode mode = step.getOnFailure().getMode();
      if (mode == OnFailureMode.ON_FAILURE_MODE_UNSPECIFIED) {
        mode = step.getContinueOnError() ? OnFailureMode.ON_FAILURE_MODE_CONTINUE : OnFailureMode.ON_FAILURE_MODE_FAIL;
      }
      steps.put(
          step.getId(),
          new StepPlan(
              index++,
              step,
              StepKind.of(step),
              List.copyOf(new LinkedHashSet<>(step.getDependsOnList())),
              List.copyOf(dependents.getOrDefault(step.getId(), List.of())),
              mode,
              branchOwner.get(step.getId())));
    }
    return new Plan(tenantId, workflowId, version, workflow, Collections.unmodifiableMap(steps));
  }

  public StepPlan step(String id) {
    return steps.get(id);
  }

  /** Overall timeout, or null. */
  public Duration timeout() {
    return workflow.hasTimeout()
        ? Duration.ofSeconds(workflow.getTimeout().getSeconds(), workflow.getTimeout().getNanos())
        : null;
  }

  /** Ids of the steps no normal step depends on (compensation steps excluded). */
  public Set<String> finalSteps() {
    Set<String> result = new LinkedHashSet<>();
    steps.values().forEach(
        s -> {
          if (!s.step().getCompensation() && s.dependents().isEmpty()) {
            result.add(s.id());
          }
        });
    return result;
  }

  /**
   * One step of a plan.
   *
   * @param index position in the definition
   * @param step the definition
   * @param kind what it does
   * @param dependsOn distinct dependencies
   * @param dependents steps that depend on it
   * @param onFailure reaction to its failure
   * @param branchOf id of the switch whose case names it, or null
   */
  public record StepPlan(
      int index,
      WorkflowStep step,
      StepKind kind,
      List<String> dependsOn,
      List<String> dependents,
      OnFailureMode onFailure,
      String branchOf) {

    public String id() {
      return step.getId();
    }

    /** Attempts allowed by its retry policy (at least 1). */
    public int maxAttempts() {
      return Math.max(1, step.getRetry().getMaxAttempts());
    }
  }
}
