package dev.nerve.automation.activity;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.nerve.api.automation.v1.ActionStatus;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.automation.action.ActionDefinition;
import dev.nerve.automation.action.ActionRunner;
import dev.nerve.automation.engine.EngineConfiguration;
import dev.nerve.automation.engine.RunRow;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.platform.activity.ActivityOutbox;
import dev.nerve.platform.activity.ActivityOutboxes;
import dev.nerve.platform.activity.ActivityRecorder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Automation as a producer of user activity: every finished workflow run (written in the run's
 * own final transaction, so the event exists exactly when the final state does) and every action
 * execution (a step attempt or a direct Execute) go to automation's activity outbox, whose relay
 * delivers them to learning. Events name workflows, actions, kinds and outcomes, never inputs,
 * outputs or errors.
 */
@Configuration(proxyBeanMethods = false)
public class AutomationActivity {

  private static final Logger log = LoggerFactory.getLogger(AutomationActivity.class);

  /** Type of the event of a finished workflow run; its operation is the workflow id. */
  public static final String RUN_FINISHED = "workflow.run.finished";

  /** Type of the event of an action execution; its operation is the action id. */
  public static final String ACTION_EXECUTED = "action.executed";

  @Bean
  ActivityOutbox automationActivityOutbox(
      ActivityOutboxes outboxes, EngineConfiguration.FinishedListeners finished, ActionRunner runner) {
    ActivityOutbox outbox = outboxes.open("automation", "automation");
    ActivityRecorder recorder = outbox.recorder();
    finished.add(
        run -> {
          if (isUser(run.principal())) {
            recorder.record(run.tenantId(), runFinished(run));
          }
        });
    runner.onExecuted(
        (action, principal, idempotencyKey, outcome) -> {
          if (!isUser(principal)) {
            return;
          }
          try {
            recorder.record(principal.tenantId(), actionExecuted(action, principal, idempotencyKey, outcome));
          } catch (RuntimeException e) {
            log.warn("activity of action {} could not be queued: {}", action.id(), e.toString());
          }
        });
    return outbox;
  }

  private static boolean isUser(Principal principal) {
    return principal != null && principal.userId() != null && !principal.userId().isEmpty();
  }

  /** The event of a run that reached its final state; one per final state (a retried run ends again). */
  static ActivityEvent runFinished(RunRow run) {
    Struct.Builder attributes =
        Struct.newBuilder()
            .putFields("executionId", text(run.id().toString()))
            .putFields("workflowVersion", Value.newBuilder().setNumberValue(run.version()).build());
    if (run.trigger() != null && !run.trigger().isEmpty()) {
      attributes.putFields("trigger", text(run.trigger()));
    }
    ActivityEvent.Builder event =
        ActivityEvent.newBuilder()
            .setId(id("run", run.tenantId(), run.id() + "/" + run.seq()))
            .setUserId(run.principal().userId())
            .setType(RUN_FINISHED)
            .setOperation(run.workflowId())
            .setOutcome(name(run.status()))
            .setAttributes(attributes);
    if (run.finishedAt() != null) {
      event.setOccurredAt(Times.proto(run.finishedAt()));
    }
    return event.build();
  }

  /** The event of one action execution; a retry of the same attempt (same key) is the same event. */
  static ActivityEvent actionExecuted(
      ActionDefinition action, Principal principal, String idempotencyKey, ActionRunner.Outcome outcome) {
    return ActivityEvent.newBuilder()
        .setId(id("action", principal.tenantId(), idempotencyKey))
        .setUserId(principal.userId())
        .setType(ACTION_EXECUTED)
        .setOperation(action.id())
        .setOutcome(name(outcome.status()))
        .setAttributes(
            Struct.newBuilder()
                .putFields("kind", text(action.kindId()))
                .putFields("durationMs", Value.newBuilder().setNumberValue(outcome.duration().toMillis()).build()))
        .build();
  }

  private static String id(String what, String tenantId, String key) {
    return UUID.nameUUIDFromBytes(("automation/" + what + "/" + tenantId + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String name(ExecutionStatus status) {
    return status.name().replace("EXECUTION_STATUS_", "");
  }

  private static String name(ActionStatus status) {
    return status.name().replace("ACTION_STATUS_", "");
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value.length() > 256 ? value.substring(0, 256) : value).build();
  }
}
