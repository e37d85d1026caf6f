package dev.nerve.automation.workflow;

import com.google.protobuf.Struct;
import dev.nerve.api.automation.v1.ActionCall;
import dev.nerve.api.automation.v1.OnFailureMode;
import dev.nerve.api.automation.v1.RetryPolicy;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.action.ActionRegistry;
import dev.nerve.automation.action.Actions;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.task.Occurrences;
import dev.nerve.platform.error.FieldViolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The semantic rules of a workflow definition, beyond its JSON Schema: known actions and
 * workflows, unique step ids, an acyclic {@code dependsOn} graph, reachable steps (compensation
 * steps named by an onFailure, switch branches behind their switch), CEL that compiles within its
 * cost limit, and payload limits. Every violation points at the step and field, e.g. {@code
 * workflow.steps[3].condition}.
 */
public final class DefinitionValidator {

  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");
  private static final Pattern EVENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private final ActionRegistry actions;
  private final Templates templates;
  private final AutomationProperties.Limits limits;
  private final Duration maxTimeout;

  public DefinitionValidator(ActionRegistry actions, Templates templates, AutomationProperties properties) {
    this.actions = actions;
    this.templates = templates;
    this.limits = properties.limits();
    this.maxTimeout = properties.actions().maxTimeout();
  }

  /**
   * The rules {@code workflow} breaks; empty when it may be saved.
   *
   * @param prefix how the caller named the definition ({@code workflow} or {@code definitionYaml})
   * @param workflowExists whether a workflow id exists in the caller's tenant (sub-workflows)
   */
  public List<FieldViolation> validate(
      Principal caller, String prefix, Workflow workflow, Predicate<String> workflowExists) {
    List<FieldViolation> v = new ArrayList<>();
    int size = Json.bytes(workflow);
    if (size > limits.maxDefinitionBytes()) {
      v.add(new FieldViolation(prefix, "maxBytes", "must be at most " + limits.maxDefinitionBytes() + " bytes as JSON"));
      return v;
    }
    if (workflow.getName().length() > 200) {
      v.add(new FieldViolation(prefix + ".name", "maxLength", "must be at most 200 characters"));
    }
    if (workflow.getDescription().length() > 4000) {
      v.add(new FieldViolation(prefix + ".description", "maxLength", "must be at most 4000 characters"));
    }
    if (workflow.hasTimeout()) {
      positive(v, prefix + ".timeout", workflow.getTimeout(), null);
    }
    trigger(v, prefix, workflow);
    List<WorkflowStep> steps = workflow.getStepsList();
    if (steps.isEmpty()) {
      v.add(new FieldViolation(prefix + ".steps", "minItems", "must have at least one step"));
      return v;
    }
    if (steps.size() > limits.maxSteps()) {
      v.add(new FieldViolation(prefix + ".steps", "maxItems", "must have at most " + limits.maxSteps() + " steps"));
      return v;
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      String id = steps.get(i).getId();
      String field = prefix + ".steps[" + i + "].id";
      if (!STEP_ID.matcher(id).matches()) {
        v.add(new FieldViolation(field, "format", "must be 1 to 64 letters, digits, _ or - starting with a letter or _"));
      } else if (index.putIfAbsent(id, i) != null) {
        v.add(new FieldViolation(field, "unique", "repeats the id of steps[" + index.get(id) + "]"));
      }
    }
    Set<String> compensations = new HashSet<>();
    Set<String> namedCompensations = new HashSet<>();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).getCompensation()) {
        compensations.add(steps.get(i).getId());
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      WorkflowStep step = steps.get(i);
      String at = prefix + ".steps[" + i + "]";
      step(v, caller, at, step, index, compensations, namedCompensations, workflowExists);
    }
    for (int i = 0; i < steps.size(); i++) {
      WorkflowStep step = steps.get(i);
      if (step.getCompensation() && !namedCompensations.contains(step.getId())) {
        v.add(new FieldViolation(prefix + ".steps[" + i + "].compensation", "reachable",
            "is never run: no step's onFailure names it as its compensation step"));
      }
    }
    cycles(v, prefix, steps, index);
    if (v.isEmpty()) {
      branches(v, prefix, steps, index);
    }
    return v;
  }

  private void trigger(List<FieldViolation> v, String prefix, Workflow workflow) {
    if (workflow.getTrigger().hasCron()) {
      String field = prefix + ".trigger.cron";
      try {
        Occurrences.cron(workflow.getTrigger().getCron().getExpression(), workflow.getTrigger().getCron().getTimeZone());
      } catch (IllegalArgumentException e) {
        v.add(new FieldViolation(field + ".expression", "cron", e.getMessage()));
      }
    }
    if (workflow.getTrigger().hasEvent()) {
      String field = prefix + ".trigger.event";
      if (!EVENT.matcher(workflow.getTrigger().getEvent().getEventType()).matches()) {
        v.add(new FieldViolation(field + ".eventType", "format", "must be 1 to 128 letters, digits or . _ : -"));
      }
      expression(v, field + ".filter", workflow.getTrigger().getEvent().getFilter());
    }
  }

  private void step(
      List<FieldViolation> v,
      Principal caller,
      String at,
      WorkflowStep step,
      Map<String, Integer> index,
      Set<String> compensations,
      Set<String> namedCompensations,
      Predicate<String> workflowExists) {
    StepKind kind = StepKind.of(step);
    if (kind == StepKind.NONE) {
      v.add(new FieldViolation(at, "oneOf",
          "must set exactly one of actionId, call, switch, forEach, wait, waitForEvent, subWorkflow"));
    }
    if (step.getCompensation() && !step.getDependsOnList().isEmpty()) {
      v.add(new FieldViolation(at + ".dependsOn", "compensation", "a compensation step runs only on failure and has no dependsOn"));
    }
    for (int j = 0; j < step.getDependsOnCount(); j++) {
      String dep = step.getDependsOn(j);
      String field = at + ".dependsOn[" + j + "]";
      if (!index.containsKey(dep)) {
        v.add(new FieldViolation(field, "known", "names no step of this workflow"));
      } else if (dep.equals(step.getId())) {
        v.add(new FieldViolation(field, "acyclic", "a step cannot depend on itself"));
      } else if (compensations.contains(dep)) {
        v.add(new FieldViolation(field, "reachable", "depends on a compensation step, so it would never run"));
      }
    }
    expression(v, at + ".condition", step.getCondition());
    if (step.hasRetry()) {
      retry(v, at + ".retry", step.getRetry());
    }
    if (step.hasTimeout()) {
      positive(v, at + ".timeout", step.getTimeout(), maxTimeout);
    }
    input(v, at + ".input", step.getInput());
    switch (step.getTargetCase()) {
      case ACTION_ID -> action(v, caller, at + ".actionId", step.getActionId());
      case CALL -> call(v, at + ".call", step.getCall());
      default -> {}
    }
    switch (step.getControlCase()) {
      case SWITCH -> {
        expression(v, at + ".switch.value", step.getSwitch().getValue());
        if (step.getSwitch().getValue().isEmpty()) {
          v.add(new FieldViolation(at + ".switch.value", "required", "must not be empty"));
        }
        for (int c = 0; c < step.getSwitch().getCasesCount(); c++) {
          List<String> names = step.getSwitch().getCases(c).getStepsList();
          for (int k = 0; k < names.size(); k++) {
            if (!index.containsKey(names.get(k))) {
              v.add(new FieldViolation(at + ".switch.cases[" + c + "].steps[" + k + "]", "known", "names no step of this workflow"));
            }
          }
        }
        List<String> names = step.getSwitch().getDefaultStepsList();
        for (int k = 0; k < names.size(); k++) {
          if (!index.containsKey(names.get(k))) {
            v.add(new FieldViolation(at + ".switch.defaultSteps[" + k + "]", "known", "names no step of this workflow"));
          }
        }
      }
      case FOR_EACH -> {
        var each = step.getForEach();
        if (each.getItems().isEmpty()) {
          v.add(new FieldViolation(at + ".forEach.items", "required", "must not be empty"));
        }
        expression(v, at + ".forEach.items", each.getItems());
        if (each.getConcurrency() < 0 || each.getConcurrency() > 100) {
          v.add(new FieldViolation(at + ".forEach.concurrency", "range", "must be between 0 and 100"));
        }
        switch (each.getTargetCase()) {
          case ACTION_ID -> action(v, caller, at + ".forEach.actionId", each.getActionId());
          case CALL -> call(v, at + ".forEach.call", each.getCall());
          default -> v.add(new FieldViolation(at + ".forEach", "oneOf", "must set actionId or call"));
        }
        input(v, at + ".forEach.input", each.getInput());
      }
      case WAIT -> {
        var wait = step.getWait();
        if (wait.hasDuration() == wait.hasUntil()) {
          v.add(new FieldViolation(at + ".wait", "oneOf", "must set exactly one of duration and until"));
        } else if (wait.hasDuration()) {
          positive(v, at + ".wait.duration", wait.getDuration(), null);
        }
      }
      case WAIT_FOR_EVENT -> {
        var wait = step.getWaitForEvent();
        if (!EVENT.matcher(wait.getEvent()).matches()) {
          v.add(new FieldViolation(at + ".waitForEvent.event", "format", "must be 1 to 128 letters, digits or . _ : -"));
        }
        expression(v, at + ".waitForEvent.key", wait.getKey());
        if (wait.hasTimeout()) {
          positive(v, at + ".waitForEvent.timeout", wait.getTimeout(), null);
        }
      }
      case SUB_WORKFLOW -> {
        String id = step.getSubWorkflow().getWorkflowId();
        if (id.isEmpty()) {
          v.add(new FieldViolation(at + ".subWorkflow.workflowId", "required", "must not be empty"));
        } else if (!workflowExists.test(id)) {
          v.add(new FieldViolation(at + ".subWorkflow.workflowId", "known", "names no workflow of this tenant"));
        }
        input(v, at + ".subWorkflow.input", step.getSubWorkflow().getInput());
      }
      default -> {}
    }
    if (step.getOnFailure().getMode() == OnFailureMode.ON_FAILURE_MODE_COMPENSATE) {
      String name = step.getOnFailure().getCompensationStep();
      if (!compensations.contains(name)) {
        v.add(new FieldViolation(at + ".onFailure.compensationStep", "known", "must name a step marked compensation"));
      } else {
        namedCompensations.add(name);
      }
    } else if (!step.getOnFailure().getCompensationStep().isEmpty()) {
      v.add(new FieldViolation(at + ".onFailure.compensationStep", "mode", "is only used with mode COMPENSATE"));
    }
  }

  private void action(List<FieldViolation> v, Principal caller, String field, String actionId) {
    if (actionId.isEmpty()) {
      v.add(new FieldViolation(field, "required", "must not be empty"));
    } else if (actions.find(caller, actionId).isEmpty()) {
      v.add(new FieldViolation(field, "known", "names no action of this tenant (nor a built-in one)"));
    }
  }

  private void call(List<FieldViolation> v, String field, ActionCall call) {
    String kindId = Actions.kindId(call.getKind());
    if (kindId == null || actions.kind(kindId).isEmpty()) {
      v.add(new FieldViolation(field + ".kind", "known", "must be a built-in action kind"));
    }
    input(v, field + ".config", call.getConfig());
  }

  private void input(List<FieldViolation> v, String field, Struct input) {
    if (Json.bytes(input) > limits.maxPayloadBytes()) {
      v.add(new FieldViolation(field, "maxBytes", "must be at most " + limits.maxPayloadBytes() + " bytes as JSON"));
      return;
    }
    Templates.expressions(field, Json.of(input), (path, source) -> expression(v, path, source));
  }

  private void expression(List<FieldViolation> v, String field, String source) {
    if (source.isEmpty()) {
      return;
    }
    try {
      templates.expression(source);
    } catch (CelException e) {
      v.add(new FieldViolation(field, e.rule(), e.getMessage()));
    }
  }

  private static void retry(List<FieldViolation> v, String field, RetryPolicy retry) {
    if (retry.getMaxAttempts() < 0 || retry.getMaxAttempts() > 100) {
      v.add(new FieldViolation(field + ".maxAttempts", "range", "must be between 0 and 100"));
    }
    if (retry.getBackoffMultiplier() != 0 && (retry.getBackoffMultiplier() < 1 || retry.getBackoffMultiplier() > 10)) {
      v.add(new FieldViolation(field + ".backoffMultiplier", "range", "must be 0 or between 1 and 10"));
    }
    if (retry.getJitter() < 0 || retry.getJitter() > 1) {
      v.add(new FieldViolation(field + ".jitter", "range", "must be between 0 and 1"));
    }
    if (retry.hasInitialBackoff()) {
      positive(v, field + ".initialBackoff", retry.getInitialBackoff(), Duration.ofDays(1));
    }
    if (retry.hasMaxBackoff()) {
      positive(v, field + ".maxBackoff", retry.getMaxBackoff(), Duration.ofDays(1));
    }
  }

  private static void positive(List<FieldViolation> v, String field, com.google.protobuf.Duration value, Duration max) {
    Duration d = Duration.ofSeconds(value.getSeconds(), value.getNanos());
    if (d.isNegative() || d.isZero()) {
      v.add(new FieldViolation(field, "range", "must be a positive duration"));
    } else if (max != null && d.compareTo(max) > 0) {
      v.add(new FieldViolation(field, "range", "must be at most " + max));
    }
  }

  /** Reports each cycle once, at the first step of the cycle in definition order. */
  private static void cycles(List<FieldViolation> v, String prefix, List<WorkflowStep> steps, Map<String, Integer> index) {
    int n = steps.size();
    int[] state = new int[n];
    Set<Integer> reported = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (state[i] == 0) {
        dfs(i, steps, index, state, new ArrayList<>(), v, prefix, reported);
      }
    }
  }

  private static void dfs(
      int i,
      List<WorkflowStep> steps,
      Map<String, Integer> index,
      int[] state,
      List<Integer> path,
      List<FieldViolation> v,
      String prefix,
      Set<Integer> reported) {
    state[i] = 1;
    path.add(i);
    for (String dep : steps.get(i).getDependsOnList()) {
      Integer j = index.get(dep);
      if (j == null || j == i) {
        continue;
      }
      if (state[j] == 1) {
        List<Integer> cycle = path.subList(path.indexOf(j), path.size());
        int first = cycle.stream().min(Integer::compare).orElse(j);
        if (reported.add(first)) {
          List<String> names = new ArrayList<>();
          cycle.forEach(k -> names.add(steps.get(k).getId()));
          names.add(steps.get(j).getId());
          v.add(new FieldViolation(prefix + ".steps[" + first + "].dependsOn", "acyclic",
              "forms a cycle: " + String.join(" -> ", names)));
        }
      } else if (state[j] == 0) {
        dfs(j, steps, index, state, path, v, prefix, reported);
      }
    }
    path.remove(path.size() - 1);
    state[i] = 2;
  }

  /** Every step a switch case names must come after the switch (through dependsOn). */
  private static void branches(List<FieldViolation> v, String prefix, List<WorkflowStep> steps, Map<String, Integer> index) {
    for (int i = 0; i < steps.size(); i++) {
      WorkflowStep sw = steps.get(i);
      if (!sw.hasSwitch()) {
        continue;
      }
      for (int c = 0; c < sw.getSwitch().getCasesCount(); c++) {
        List<String> names = sw.getSwitch().getCases(c).getStepsList();
        for (int k = 0; k < names.size(); k++) {
          if (!after(steps, index, names.get(k), sw.getId())) {
            v.add(new FieldViolation(prefix + ".steps[" + i + "].switch.cases[" + c + "].steps[" + k + "]", "reachable",
                "must depend (directly or through other steps) on the switch step " + sw.getId()));
          }
        }
      }
      List<String> names = sw.getSwitch().getDefaultStepsList();
      for (int k = 0; k < names.size(); k++) {
        if (!after(steps, index, names.get(k), sw.getId())) {
          v.add(new FieldViolation(prefix + ".steps[" + i + "].switch.defaultSteps[" + k + "]", "reachable",
              "must depend (directly or through other steps) on the switch step " + sw.getId()));
        }
      }
    }
  }

  private static boolean after(List<WorkflowStep> steps, Map<String, Integer> index, String step, String ancestor) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(step));
    while (!todo.isEmpty()) {
      String current = todo.remove(todo.size() - 1);
      Integer i = index.get(current);
      if (i == null || !seen.add(current)) {
        continue;
      }
      for (String dep : steps.get(i).getDependsOnList()) {
        if (dep.equals(ancestor)) {
          return true;
        }
        todo.add(dep);
      }
    }
    return false;
  }
}
