package dev.nerve.automation.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ActionStatus;
import dev.nerve.api.automation.v1.AttemptStatus;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.automation.action.ActionDefinition;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.action.Actions;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.Json;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Plan;
import dev.nerve.automation.workflow.StepKind;
import dev.nerve.automation.workflow.Templates;
import dev.nerve.platform.error.NerveException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a step attempt runs: its action (a registered one, or an inline call of a kind) and its
 * parameters rendered from the step's input mapping and checked, with its deadline. Shared by the
 * queued attempts ({@link StepWorker}) and the pure steps run in place ({@link InlineSteps}).
 */
final class AttemptInputs {

  /** Abandoned attempts (crashed workers) tolerated beyond the retry policy. */
  static final int MAX_ABANDONED = 5;

  private final RunRepository runs;
  private final Templates templates;
  private final ActionRunner runner;

  AttemptInputs(RunRepository runs, Templates templates, ActionRunner runner) {
    this.runs = runs;
    this.templates = templates;
    this.runner = runner;
  }

  ActionRunner runner() {
    return runner;
  }

  /**
   * What an attempt runs.
   *
   * @param action the action, or null when the attempt fails before running
   * @param params its prepared parameters
   * @param timeout its deadline
   * @param error why it fails before running, or null
   */
  record Prepared(ActionDefinition action, Struct params, Duration timeout, String error) {

    /** The outcome of an attempt that fails before running (when {@link #error} is set). */
    ActionRunner.Outcome failure() {
      return new ActionRunner.Outcome(ActionStatus.ACTION_STATUS_FAILED, null, error, false, List.of(), Duration.ZERO);
    }
  }

  /** How an attempt ended, from how its action did. */
  static AttemptStatus attemptStatus(ActionRunner.Outcome outcome) {
    return switch (outcome.status()) {
      case ACTION_STATUS_SUCCEEDED -> AttemptStatus.ATTEMPT_STATUS_SUCCEEDED;
      case ACTION_STATUS_TIMED_OUT -> AttemptStatus.ATTEMPT_STATUS_TIMED_OUT;
      default -> AttemptStatus.ATTEMPT_STATUS_FAILED;
    };
  }

  /**
   * Resolves the action and renders and checks the parameters of attempt number {@code attempts}
   * of the step's current life; {@code steps} gives the run's steps when the mapping names them.
   */
  Prepared prepare(RunRow run, Plan.StepPlan sp, Integer itemIndex, String stepId, int attempts,
      Supplier<Collection<StepRow>> steps) {
    if (sp == null) {
      return new Prepared(null, null, null, "the step is not in the workflow version");
    }
    if (attempts > sp.maxAttempts() + MAX_ABANDONED) {
      return new Prepared(null, null, null, "the step was abandoned by crashed workers too often");
    }
    try {
      ActionDefinition action = resolve(run, sp).orElse(null);
      if (action == null) {
        return new Prepared(null, null, null, "action " + kindOrId(sp) + " does not exist (any more)");
      }
      return prepare(run, sp, action, itemIndex, stepId, steps);
    } catch (NerveException e) {
      return new Prepared(null, null, null, e.getMessage());
    }
  }

  /** Like {@link #prepare(RunRow, Plan.StepPlan, Integer, String, int, Supplier)} for an action already resolved. */
  Prepared prepare(RunRow run, Plan.StepPlan sp, ActionDefinition action, Integer itemIndex, String stepId,
      Supplier<Collection<StepRow>> steps) {
    try {
      Struct params = runner.prepare(action, input(run, sp, itemIndex, stepId, steps), "input");
      Duration stepTimeout = sp.step().hasTimeout() ? Times.duration(sp.step().getTimeout()) : null;
      Duration timeout = runner.timeout(action, stepTimeout);
      if (run.deadline() != null) {
        Duration left = Duration.between(Instant.now(), run.deadline());
        if (left.compareTo(timeout) < 0) {
          timeout = left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
        }
      }
      return new Prepared(action, params, timeout, null);
    } catch (CelException e) {
      return new Prepared(null, null, null, "input: " + e.getMessage());
    } catch (NerveException e) {
      return new Prepared(null, null, null, e.getMessage());
    }
  }

  /** The action a step (or a forEach step's items) runs: registered in the run's tenant, or an inline call. */
  Optional<ActionDefinition> resolve(RunRow run, Plan.StepPlan sp) {
    WorkflowStep step = sp.step();
    var registry = runner.registry();
    if (sp.kind() == StepKind.FOR_EACH) {
      var each = step.getForEach();
      return each.hasCall() ? inline(each.getCall()) : registry.find(run.principal(), each.getActionId());
    }
    return step.hasCall() ? inline(step.getCall()) : registry.find(run.principal(), step.getActionId());
  }

  private Optional<ActionDefinition> inline(dev.nerve.api.automation.v1.ActionCall call) {
    String kindId = Actions.kindId(call.getKind());
    if (kindId == null) {
      return Optional.empty();
    }
    return runner.registry().kind(kindId).map(kind -> {
      ActionDefinition builtin = runner.registry().builtin(kindId).orElseThrow();
      return new ActionDefinition(builtin.id(), builtin.name(), builtin.description(), kindId, call.getConfig(),
          builtin.inputSchema(), null, Struct.getDefaultInstance(), null, true, null, null);
    });
  }

  private static String kindOrId(Plan.StepPlan sp) {
    return sp.kind() == StepKind.FOR_EACH ? sp.step().getForEach().getActionId() : sp.step().getActionId();
  }

  /** The step's rendered input: its mapping over input, steps (when it uses them), run, item, index. */
  private Struct input(RunRow run, Plan.StepPlan sp, Integer itemIndex, String stepId, Supplier<Collection<StepRow>> steps) {
    Struct mapping = sp.kind() == StepKind.FOR_EACH ? sp.step().getForEach().getInput() : sp.step().getInput();
    if (mapping.getFieldsCount() == 0) {
      return mapping;
    }
    Map<String, Value> vars = new HashMap<>();
    vars.put("input", Json.of(run.input()));
    vars.put("run", Interpreter.runVariable(run));
    if (Templates.mentions(mapping, "steps")) {
      vars.put("steps", Interpreter.stepsVariable(steps.get()));
    }
    if (itemIndex != null) {
      StepRow parent = runs.step(run.id(), stepId).orElseThrow();
      vars.put("item", parent.output().getListValue().getValues(itemIndex));
      vars.put("index", Json.of(itemIndex));
    }
    return templates.render(mapping, vars);
  }
}
