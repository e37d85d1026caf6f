package dev.nerve.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.GetExecutionRequest;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import java.time.Duration;
import java.util.Collection;
import org.awaitility.Awaitility;

/**
 * The workflow the automation crash and outage drills run: a queued step, a step that holds a
 * worker for a while, and a step run in place, so a failure can hit each kind of step.
 */
final class DrillWorkflow {

  /** Engine settings of the drills: short polls and leases, so recovery fits in a test. */
  static final java.util.Map<String, String> ENGINE = java.util.Map.of(
      "nerve.automation.engine.poll-interval", "100ms",
      "nerve.automation.engine.heartbeat-interval", "500ms",
      "nerve.automation.engine.missed-heartbeats", "4");

  private final String id;
  private final Identity caller;

  private DrillWorkflow(String id, Identity caller) {
    this.id = id;
    this.caller = caller;
  }

  /** Creates the workflow {@code id}, whose middle step holds a worker for {@code holdMillis}. */
  static DrillWorkflow create(WorkflowServiceBlockingStub workflows, Identity caller, String id, int holdMillis) {
    Workflow.Builder workflow = Workflow.newBuilder();
    try {
      JsonFormat.parser().merge("""
          {"id": "%s", "steps": [
            {"id": "note", "actionId": "log", "input": {"message": "start"}},
            {"id": "hold", "actionId": "delay", "dependsOn": ["note"], "input": {"ms": %d}},
            {"id": "shape", "actionId": "transform", "dependsOn": ["hold"], "input": {"expression": "{'done': true}"}}
          ]}""".formatted(id, holdMillis), workflow);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    IdentityContext.callAs(caller, () -> workflows.create(CreateWorkflowRequest.newBuilder().setWorkflow(workflow).build()));
    return new DrillWorkflow(id, caller);
  }

  /** The workflow {@code id} created before (e.g. by a process that was killed since). */
  static DrillWorkflow existing(String id, Identity caller) {
    return new DrillWorkflow(id, caller);
  }

  /** An Execute of it that returns at once, with {@code requestId} as its idempotency key. */
  ExecuteWorkflowRequest execute(String requestId) {
    return ExecuteWorkflowRequest.newBuilder().setWorkflowId(id).setInput(Struct.getDefaultInstance())
        .setReturnImmediately(true).setRequestId(requestId).build();
  }

  /** Waits up to a minute for each execution to end, and asserts that it SUCCEEDED. */
  void assertAllSucceed(WorkflowServiceBlockingStub workflows, Collection<String> executionIds) {
    for (String executionId : executionIds) {
      ExecutionResult[] run = new ExecutionResult[1];
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        run[0] = IdentityContext.callAs(caller,
            () -> workflows.getExecution(GetExecutionRequest.newBuilder().setExecutionId(executionId).build()));
        return run[0].getStatus() != ExecutionStatus.EXECUTION_STATUS_RUNNING
            && run[0].getStatus() != ExecutionStatus.EXECUTION_STATUS_QUEUED;
      });
      assertThat(run[0].getStatus()).as("execution %s: %s", executionId, run[0]).isEqualTo(ExecutionStatus.EXECUTION_STATUS_SUCCEEDED);
    }
  }
}
