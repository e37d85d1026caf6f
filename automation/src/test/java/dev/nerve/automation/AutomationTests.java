package dev.nerve.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.util.Durations;
import dev.nerve.api.automation.v1.ActionServiceGrpc;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.GetExecutionRequest;
import dev.nerve.api.automation.v1.TaskServiceGrpc;
import dev.nerve.api.automation.v1.TriggerServiceGrpc;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.automation.support.Json;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;

/** Helpers shared by the automation integration tests: identities, stubs, definitions, errors. */
public final class AutomationTests {

  private final ChannelFactory channels;

  public AutomationTests(ChannelFactory channels) {
    this.channels = channels;
  }

  /** A tenant no other test uses (the test database is shared by the JVM). */
  public static String freshTenant() {
    return "t-" + UUID.randomUUID();
  }

  public static Identity operator(String tenant) {
    return new Identity(tenant, "alice", Set.of("operator"));
  }

  public static Identity viewer(String tenant) {
    return new Identity(tenant, "victor", Set.of("viewer"));
  }

  public static <T> T as(Identity identity, Callable<T> call) {
    return IdentityContext.callAs(identity, call);
  }

  public WorkflowServiceGrpc.WorkflowServiceBlockingStub workflows() {
    return WorkflowServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(java.time.Duration.ofSeconds(60));
  }

  public ActionServiceGrpc.ActionServiceBlockingStub actions() {
    return ActionServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(java.time.Duration.ofSeconds(60));
  }

  public TaskServiceGrpc.TaskServiceBlockingStub tasks() {
    return TaskServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(java.time.Duration.ofSeconds(60));
  }

  public TriggerServiceGrpc.TriggerServiceBlockingStub triggers() {
    return TriggerServiceGrpc.newBlockingStub(channels.channel(Target.AUTOMATION)).withDeadlineAfter(java.time.Duration.ofSeconds(60));
  }

  /** A workflow from its JSON form (see docs/automation.md). */
  public static Workflow workflow(String json) {
    Workflow.Builder builder = Workflow.newBuilder();
    try {
      Json.merge(json, builder);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
    return builder.build();
  }

  public static Struct json(String json) {
    return Json.struct(json);
  }

  public Workflow create(Identity who, String json) {
    return as(who, () -> workflows().create(CreateWorkflowRequest.newBuilder().setWorkflow(workflow(json)).build()));
  }

  /** Starts an execution without waiting. */
  public ExecutionResult start(Identity who, String workflowId, String inputJson) {
    return as(who, () -> workflows().execute(ExecuteWorkflowRequest.newBuilder().setWorkflowId(workflowId)
        .setInput(json(inputJson)).setReturnImmediately(true).build()));
  }

  /** Starts an execution and waits (up to 60 s) for its end. */
  public ExecutionResult run(Identity who, String workflowId, String inputJson) {
    ExecutionResult started = start(who, workflowId, inputJson);
    return awaitEnd(who, started.getExecutionId(), Duration.ofSeconds(60));
  }

  public ExecutionResult get(Identity who, String executionId) {
    return as(who, () -> workflows().getExecution(GetExecutionRequest.newBuilder().setExecutionId(executionId).build()));
  }

  public ExecutionResult awaitEnd(Identity who, String executionId, Duration timeout) {
    ExecutionResult[] last = new ExecutionResult[1];
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
      last[0] = get(who, executionId);
      return last[0].getStatus() != ExecutionStatus.EXECUTION_STATUS_RUNNING;
    });
    return last[0];
  }

  public ExecutionResult awaitStep(Identity who, String executionId, String stepId, dev.nerve.api.automation.v1.StepStatus status) {
    ExecutionResult[] last = new ExecutionResult[1];
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
      last[0] = get(who, executionId);
      return last[0].getStepsList().stream().anyMatch(s -> s.getStepId().equals(stepId) && s.getStatus() == status);
    });
    return last[0];
  }

  public static com.google.protobuf.Duration millis(long ms) {
    return Durations.fromMillis(ms);
  }

  /** Asserts the call fails with {@code code}; for bad input also that {@code field} is named. */
  public static NerveException fails(ThrowingCallable call, ErrorCode code, String field) {
    NerveException[] error = new NerveException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              error[0] = GrpcErrors.fromStatus(e);
              assertThat(error[0].code()).as(e.getMessage()).isEqualTo(code);
              if (field != null) {
                assertThat(error[0].violations()).extracting("field").as(e.getMessage()).contains(field);
              }
            });
    return error[0];
  }
}
