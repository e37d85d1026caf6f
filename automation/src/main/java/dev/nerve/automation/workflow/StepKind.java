package dev.nerve.automation.workflow;

import dev.nerve.api.automation.v1.WorkflowStep;

/** What a step does, from the oneofs of its definition. */
public enum StepKind {
  /** Runs a registered or inline action. */
  ACTION,
  /** Chooses between branches. */
  SWITCH,
  /** Runs an action per item. */
  FOR_EACH,
  /** Waits for a duration or a time. */
  WAIT,
  /** Waits for an event. */
  WAIT_FOR_EVENT,
  /** Runs another workflow. */
  SUB_WORKFLOW,
  /** Nothing set (refused by validation). */
  NONE;

  static StepKind of(WorkflowStep step) {
    boolean action = step.getTargetCase() != WorkflowStep.TargetCase.TARGET_NOT_SET;
    StepKind control =
        switch (step.getControlCase()) {
          case SWITCH -> SWITCH;
          case FOR_EACH -> FOR_EACH;
          case WAIT -> WAIT;
          case WAIT_FOR_EVENT -> WAIT_FOR_EVENT;
          case SUB_WORKFLOW -> SUB_WORKFLOW;
          case CONTROL_NOT_SET -> NONE;
        };
    if (action) {
      return control == NONE ? ACTION : NONE;
    }
    return control;
  }
}
