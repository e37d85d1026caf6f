package dev.nerve.automation.engine;

import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.StepStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * One step of an execution as stored ({@code automation.step}); forEach items have keys
 * {@code <step id>[<index>]}.
 *
 * @param key step key
 * @param stepId id of the step in the definition
 * @param itemIndex forEach item index, or null
 * @param status state
 * @param attempts attempts in its current life
 * @param attemptBase attempts of earlier lives (before a retried execution)
 * @param output output (for a running forEach: its items)
 * @param error why it failed
 * @param childRunId child execution of a subWorkflow step
 * @param startedAt first start
 * @param finishedAt end
 */
public record StepRow(
    String key,
    String stepId,
    Integer itemIndex,
    StepStatus status,
    int attempts,
    int attemptBase,
    Value output,
    String error,
    UUID childRunId,
    Instant startedAt,
    Instant finishedAt) {

  boolean is(StepStatus... any) {
    for (StepStatus s : any) {
      if (status == s) {
        return true;
      }
    }
    return false;
  }

  /** Finished: succeeded, failed, skipped or cancelled. */
  boolean terminal() {
    return is(StepStatus.STEP_STATUS_SUCCEEDED, StepStatus.STEP_STATUS_FAILED, StepStatus.STEP_STATUS_SKIPPED,
        StepStatus.STEP_STATUS_CANCELLED);
  }

  static String name(StepStatus status) {
    return status.name().substring("STEP_STATUS_".length());
  }

  static StepStatus status(String name) {
    return StepStatus.valueOf("STEP_STATUS_" + name);
  }

  static String itemKey(String stepId, int index) {
    return stepId + "[" + index + "]";
  }
}
