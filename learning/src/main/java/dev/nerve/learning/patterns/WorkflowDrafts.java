package dev.nerve.learning.patterns;

import dev.nerve.api.automation.v1.ManualTrigger;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.api.automation.v1.WorkflowTrigger;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.api.learning.v1.PatternElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a SEQUENCE pattern of actions into a draft in the automation system's definition format
 * ({@code nerve.automation.v1.Workflow}): one step per element, in order, each running the
 * action named by the element's event type and depending on the step before, started manually.
 * The draft is only suggested: automation.workflows.create validates and creates it.
 */
final class WorkflowDrafts {

  private WorkflowDrafts() {}

  static Workflow draft(Pattern pattern, String name) {
    List<String> types = pattern.getElementsList().stream().map(PatternElement::getEventType).toList();
    Workflow.Builder workflow =
        Workflow.newBuilder()
            .setName(name.isEmpty() ? "Suggested: " + String.join(" then ", types) : name)
            .setDescription(
                "Suggested from the pattern \"" + pattern.getDescription() + "\" (support "
                    + String.format(Locale.ROOT, "%.2f", pattern.getSupport()) + ")")
            .setTrigger(WorkflowTrigger.newBuilder().setManual(ManualTrigger.getDefaultInstance()));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      String id = "step_" + (i + 1);
      WorkflowStep.Builder step = WorkflowStep.newBuilder().setId(id).setActionId(types.get(i));
      if (i > 0) {
        step.addDependsOn(ids.get(i - 1));
      }
      ids.add(id);
      workflow.addSteps(step);
    }
    return workflow.build();
  }
}
