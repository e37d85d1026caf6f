package dev.nerve.automation.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionEventType;
import dev.nerve.api.automation.v1.StepStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunEventsTest {

  @Test
  void theEventsOfATransactionTravelAsOneMessageInOrder() {
    List<ExecutionEvent> events = List.of(
        ExecutionEvent.newBuilder().setExecutionId("r1").setSeq(33).setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP)
            .setStepId("a").setStepStatus(StepStatus.STEP_STATUS_SUCCEEDED).build(),
        ExecutionEvent.newBuilder().setExecutionId("r1").setSeq(34).setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP)
            .setStepId("b").setStepStatus(StepStatus.STEP_STATUS_READY).build(),
        ExecutionEvent.newBuilder().setExecutionId("r1").setSeq(35).setType(ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION)
            .build());

    assertThat(RunEvents.decode(RunEvents.encode(events))).containsExactlyElementsOf(events);
  }

  @Test
  void theHeaderNamesEachExecutionOnceAndMarksTheOnesThatEnded() {
    List<ExecutionEvent> events = List.of(
        ExecutionEvent.newBuilder().setExecutionId("r1").setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP).build(),
        ExecutionEvent.newBuilder().setExecutionId("r2").setType(ExecutionEventType.EXECUTION_EVENT_TYPE_EXECUTION).build(),
        ExecutionEvent.newBuilder().setExecutionId("r1").setType(ExecutionEventType.EXECUTION_EVENT_TYPE_STEP).build());

    String message = RunEvents.encode(events);

    assertThat(message.substring(0, message.indexOf('|'))).isEqualTo("r1,r2!");
    assertThat(RunEvents.decode(message)).containsExactlyElementsOf(events);
  }

  @Test
  void aMessageThatIsNotEventsGivesNone() {
    assertThat(RunEvents.decode("{\"executionId\": \"r1\"}")).isEmpty();
    assertThat(RunEvents.decode("")).isEmpty();
    assertThat(RunEvents.decode("r1|not base64 at all")).isEmpty();
  }
}
