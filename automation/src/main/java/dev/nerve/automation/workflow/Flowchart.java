package dev.nerve.automation.workflow;

import dev.nerve.api.automation.v1.OnFailureMode;
import dev.nerve.api.automation.v1.SwitchCase;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.automation.support.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a workflow version as a Mermaid flowchart: one node per step (shape by kind: rectangle
 * for actions, rhombus for switch, subroutine for forEach and sub-workflows, stadium for waits,
 * hexagon for compensation), an arrow per dependency (labelled with the case value where a switch
 * case picks the step) and a dotted arrow from a step to its compensation step.
 */
public final class Flowchart {

  private Flowchart() {}

  public static String render(Workflow workflow) {
    StringBuilder out = new StringBuilder("flowchart TD\n");
    Map<String, String> node = new HashMap<>();
    List<WorkflowStep> steps = workflow.getStepsList();
    for (int i = 0; i < steps.size(); i++) {
      node.put(steps.get(i).getId(), "s" + i);
    }
    Map<String, String> caseLabel = new HashMap<>();
    for (WorkflowStep step : steps) {
      if (step.hasSwitch()) {
        for (SwitchCase c : step.getSwitch().getCasesList()) {
          String label = Json.print(c.getEquals());
          c.getStepsList().forEach(s -> caseLabel.put(step.getId() + ">" + s, label));
        }
        step.getSwitch().getDefaultStepsList().forEach(s -> caseLabel.put(step.getId() + ">" + s, "default"));
      }
    }
    for (WorkflowStep step : steps) {
      String id = node.get(step.getId());
      String label = escape(step.getId() + ": " + describe(step));
      String shape =
          step.getCompensation()
              ? "{{\"" + label + "\"}}"
              : switch (StepKind.of(step)) {
                case SWITCH -> "{\"" + label + "\"}";
                case FOR_EACH, SUB_WORKFLOW -> "[[\"" + label + "\"]]";
                case WAIT, WAIT_FOR_EVENT -> "([\"" + label + "\"])";
                default -> "[\"" + label + "\"]";
              };
      out.append("  ").append(id).append(shape).append('\n');
    }
    for (WorkflowStep step : steps) {
      for (String dep : step.getDependsOnList()) {
        String from = node.get(dep);
        if (from == null) {
          continue;
        }
        String label = caseLabel.get(dep + ">" + step.getId());
        out.append("  ").append(from)
            .append(label == null ? " --> " : " -- \"" + escape(label) + "\" --> ")
            .append(node.get(step.getId())).append('\n');
      }
      if (step.getOnFailure().getMode() == OnFailureMode.ON_FAILURE_MODE_COMPENSATE) {
        String to = node.get(step.getOnFailure().getCompensationStep());
        if (to != null) {
          out.append("  ").append(node.get(step.getId())).append(" -. on failure .-> ").append(to).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static String describe(WorkflowStep step) {
    return switch (StepKind.of(step)) {
      case ACTION -> step.hasCall() ? "call " + step.getCall().getKind().name().replace("ACTION_KIND_", "").toLowerCase() : step.getActionId();
      case SWITCH -> "switch";
      case FOR_EACH -> "for each " + (step.getForEach().hasCall() ? "call" : step.getForEach().getActionId());
      case WAIT -> "wait";
      case WAIT_FOR_EVENT -> "wait for " + step.getWaitForEvent().getEvent();
      case SUB_WORKFLOW -> "workflow " + step.getSubWorkflow().getWorkflowId();
      case NONE -> "?";
    } + (step.getCondition().isEmpty() ? "" : " if " + step.getCondition());
  }

  private static String escape(String text) {
    String cut = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return cut.replace("\"", "#quot;").replace("\n", " ");
  }
}
