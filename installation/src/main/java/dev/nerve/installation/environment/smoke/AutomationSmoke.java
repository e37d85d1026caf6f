package dev.nerve.installation.environment.smoke;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import dev.nerve.api.automation.v1.ActionCall;
import dev.nerve.api.automation.v1.ActionKind;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.DeleteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.api.automation.v1.WorkflowStep;
import dev.nerve.installation.environment.Finding;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.Channel;

/**
 * Automation works: create a one-step workflow (a CEL transform, nothing outside Nerve), run it to
 * completion on a worker, delete it (cancelling its runs).
 */
final class AutomationSmoke extends SystemSmoke {

  /** How long the execution may take; inside the call deadline. */
  static final long WAIT_SECONDS = 8;

  AutomationSmoke(ChannelFactory channels) {
    super(Target.AUTOMATION, channels);
  }

  @Override
  public String title() {
    return "Automation runs a one-step workflow";
  }

  @Override
  Finding smoke(Channel channel, String where) {
    Workflow workflow =
        Workflow.newBuilder()
            .setName(name())
            .setDescription("Installation verification probe; deleted right after its run")
            .addSteps(
                WorkflowStep.newBuilder()
                    .setId("add")
                    .setCall(
                        ActionCall.newBuilder()
                            .setKind(ActionKind.ACTION_KIND_CEL_TRANSFORM)
                            .setConfig(
                                Struct.newBuilder()
                                    .putFields("expression", Value.newBuilder().setStringValue("'verified ' + params.word").build())))
                    .setInput(Struct.newBuilder().putFields("word", Value.newBuilder().setStringValue("ok").build())))
            .build();
    Workflow created =
        step(
            "create a workflow",
            () ->
                deadline(WorkflowServiceGrpc.newBlockingStub(channel))
                    .create(CreateWorkflowRequest.newBuilder().setWorkflow(workflow).build()));
    ExecutionResult result;
    try {
      result =
          step(
              "run the workflow",
              () ->
                  deadline(WorkflowServiceGrpc.newBlockingStub(channel))
                      .execute(
                          ExecuteWorkflowRequest.newBuilder()
                              .setWorkflowId(created.getId())
                              .setWaitTimeout(Durations.fromSeconds(WAIT_SECONDS))
                              .build()));
      expect(
          result.getStatus() == ExecutionStatus.EXECUTION_STATUS_SUCCEEDED,
          "run the workflow to completion",
          "its execution " + result.getExecutionId() + " ended " + result.getStatus()
              + (result.getError().isEmpty() ? "" : ": " + result.getError())
              + (result.getStatus() == ExecutionStatus.EXECUTION_STATUS_QUEUED
                      || result.getStatus() == ExecutionStatus.EXECUTION_STATUS_RUNNING
                  ? " after " + WAIT_SECONDS + " s (are automation's workers running?)"
                  : ""));
    } finally {
      step(
          "delete the workflow it created (left in tenant " + TENANT + ")",
          () ->
              deadline(WorkflowServiceGrpc.newBlockingStub(channel))
                  .delete(DeleteWorkflowRequest.newBuilder().setId(created.getId()).setCancelRuns(true).build()));
    }
    return Finding.ok("created a one-step workflow, ran it to SUCCEEDED and deleted it " + where);
  }
}
