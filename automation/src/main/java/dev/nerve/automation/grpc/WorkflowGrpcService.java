package dev.nerve.automation.grpc;

import dev.nerve.api.automation.v1.CancelExecutionRequest;
import dev.nerve.api.automation.v1.CreateWorkflowRequest;
import dev.nerve.api.automation.v1.DefinitionSchema;
import dev.nerve.api.automation.v1.DeleteWorkflowRequest;
import dev.nerve.api.automation.v1.DeleteWorkflowResponse;
import dev.nerve.api.automation.v1.ExecuteWorkflowRequest;
import dev.nerve.api.automation.v1.ExecutionEvent;
import dev.nerve.api.automation.v1.ExecutionResult;
import dev.nerve.api.automation.v1.ExecutionStatus;
import dev.nerve.api.automation.v1.GetDefinitionSchemaRequest;
import dev.nerve.api.automation.v1.GetExecutionRequest;
import dev.nerve.api.automation.v1.GetWorkflowRequest;
import dev.nerve.api.automation.v1.ListExecutionsRequest;
import dev.nerve.api.automation.v1.ListExecutionsResponse;
import dev.nerve.api.automation.v1.ListWorkflowVersionsRequest;
import dev.nerve.api.automation.v1.ListWorkflowVersionsResponse;
import dev.nerve.api.automation.v1.ListWorkflowsRequest;
import dev.nerve.api.automation.v1.ListWorkflowsResponse;
import dev.nerve.api.automation.v1.RetryExecutionRequest;
import dev.nerve.api.automation.v1.WatchExecutionRequest;
import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.api.automation.v1.WorkflowServiceGrpc;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.automation.engine.Executions;
import dev.nerve.automation.engine.RunRow;
import dev.nerve.automation.engine.Runs;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.PageCursor;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.workflow.Workflows;
import dev.nerve.platform.error.NerveException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** gRPC adapter of {@code automation.workflows} and its executions: translates and delegates. */
final class WorkflowGrpcService extends WorkflowServiceGrpc.WorkflowServiceImplBase {

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  private final Workflows workflows;
  private final Runs runs;

  WorkflowGrpcService(Workflows workflows, Runs runs) {
    this.workflows = workflows;
    this.runs = runs;
  }

  @Override
  public void create(CreateWorkflowRequest request, StreamObserver<Workflow> response) {
    respond(response, workflows.create(Principal.caller(), request.getWorkflow(), request.getDefinitionYaml()));
  }

  @Override
  public void execute(ExecuteWorkflowRequest request, StreamObserver<ExecutionResult> response) {
    Principal caller = Principal.caller();
    String workflowId = Inputs.required("workflowId", request.getWorkflowId());
    String key = request.getRequestId().isEmpty() ? request.getIdempotencyKey() : request.getRequestId();
    if (!request.getRequestId().isEmpty() && !request.getIdempotencyKey().isEmpty()
        && !request.getRequestId().equals(request.getIdempotencyKey())) {
      throw NerveException.invalid("requestId", "equal", "differs from idempotencyKey; give one of them");
    }
    Inputs.text("requestId", key, 200);
    Duration wait = DEFAULT_WAIT;
    if (request.getReturnImmediately()) {
      wait = Duration.ZERO;
    } else if (request.hasWaitTimeout()) {
      wait = Times.duration(request.getWaitTimeout());
      if (wait.isNegative() || wait.compareTo(Runs.MAX_WAIT) > 0) {
        throw NerveException.invalid("waitTimeout", "range", "must be between 0 and " + Runs.MAX_WAIT);
      }
    }
    if (request.hasVersion() && request.getVersion() < 1) {
      throw NerveException.invalid("version", "range", "must be at least 1");
    }
    respond(
        response,
        runs.execute(caller, workflowId, request.hasVersion() ? request.getVersion() : null, request.getInput(), key, wait));
  }

  @Override
  public void update(dev.nerve.api.automation.v1.UpdateWorkflowRequest request, StreamObserver<Workflow> response) {
    respond(
        response,
        workflows.update(Principal.caller(), request.getId(), request.getWorkflow(), request.getDefinitionYaml(),
            request.hasExpectedVersion() ? request.getExpectedVersion() : null));
  }

  @Override
  public void delete(DeleteWorkflowRequest request, StreamObserver<DeleteWorkflowResponse> response) {
    Instant at = workflows.delete(Principal.caller(), request.getId(), request.getCancelRuns());
    respond(response, DeleteWorkflowResponse.newBuilder().setId(request.getId()).setDeletedAt(Times.proto(at)).build());
  }

  @Override
  public void get(GetWorkflowRequest request, StreamObserver<Workflow> response) {
    respond(response, workflows.get(Principal.caller(), request.getId(), request.hasVersion() ? request.getVersion() : null));
  }

  @Override
  public void list(ListWorkflowsRequest request, StreamObserver<ListWorkflowsResponse> response) {
    int size = Inputs.pageSize(request.getPage());
    PageCursor cursor = PageCursor.decode(request.getPage().getCursor(), 2);
    List<Workflow> page =
        workflows.list(Principal.caller(), cursor == null ? "" : cursor.part(0), cursor == null ? "" : cursor.part(1), size + 1);
    boolean more = page.size() > size;
    List<Workflow> shown = more ? page.subList(0, size) : page;
    PageInfo info = PageCursor.info(shown, more, w -> PageCursor.of(w.getName(), w.getId()));
    respond(response, ListWorkflowsResponse.newBuilder().addAllWorkflows(shown).setPageInfo(info).build());
  }

  @Override
  public void listVersions(ListWorkflowVersionsRequest request, StreamObserver<ListWorkflowVersionsResponse> response) {
    int size = Inputs.pageSize(request.getPage());
    PageCursor cursor = PageCursor.decode(request.getPage().getCursor(), 1);
    long before = cursor == null ? Long.MAX_VALUE : cursor.number(0);
    List<Workflow> page = workflows.versions(Principal.caller(), request.getId(), before, size + 1);
    boolean more = page.size() > size;
    List<Workflow> shown = more ? page.subList(0, size) : page;
    PageInfo info = PageCursor.info(shown, more, w -> PageCursor.of(Long.toString(w.getVersion())));
    respond(response, ListWorkflowVersionsResponse.newBuilder().addAllVersions(shown).setPageInfo(info).build());
  }

  @Override
  public void getExecution(GetExecutionRequest request, StreamObserver<ExecutionResult> response) {
    Principal caller = Principal.caller();
    respond(response, runs.executions().get(caller.tenantId(), Executions.id("executionId", request.getExecutionId())));
  }

  @Override
  public void listExecutions(ListExecutionsRequest request, StreamObserver<ListExecutionsResponse> response) {
    Principal caller = Principal.caller();
    int size = Inputs.pageSize(request.getPage());
    PageCursor cursor = PageCursor.decode(request.getPage().getCursor(), 2);
    Instant cursorAt = null;
    UUID cursorId = null;
    if (cursor != null) {
      cursorAt = Times.fromMicros(cursor.number(0));
      try {
        cursorId = UUID.fromString(cursor.part(1));
      } catch (IllegalArgumentException e) {
        throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
      }
    }
    ExecutionStatus status =
        request.getStatus() == ExecutionStatus.EXECUTION_STATUS_UNSPECIFIED ? null : request.getStatus();
    List<RunRow> page =
        runs.executions().list(caller.tenantId(), request.getWorkflowId(), status,
            request.hasStartedAfter() ? Times.instant(request.getStartedAfter()) : null,
            request.hasStartedBefore() ? Times.instant(request.getStartedBefore()) : null,
            request.getTrigger(), cursorAt, cursorId, size + 1);
    boolean more = page.size() > size;
    List<RunRow> shown = more ? page.subList(0, size) : page;
    PageInfo info = PageCursor.info(shown, more, r -> PageCursor.of(Long.toString(Times.micros(r.createdAt())), r.id().toString()));
    ListExecutionsResponse.Builder out = ListExecutionsResponse.newBuilder().setPageInfo(info);
    shown.forEach(r -> out.addExecutions(Executions.summary(r)));
    respond(response, out.build());
  }

  @Override
  public void cancelExecution(CancelExecutionRequest request, StreamObserver<ExecutionResult> response) {
    Inputs.text("reason", request.getReason(), 1000);
    respond(response, runs.cancel(Principal.caller(), Executions.id("executionId", request.getExecutionId()), request.getReason()));
  }

  @Override
  public void retryExecution(RetryExecutionRequest request, StreamObserver<ExecutionResult> response) {
    respond(response, runs.retry(Principal.caller(), Executions.id("executionId", request.getExecutionId())));
  }

  @Override
  public void watchExecution(WatchExecutionRequest request, StreamObserver<ExecutionEvent> response) {
    Principal caller = Principal.caller();
    UUID id = Executions.id("executionId", request.getExecutionId());
    ServerCallStreamObserver<ExecutionEvent> call = (ServerCallStreamObserver<ExecutionEvent>) response;
    runs.watch(caller, id, call::onNext, () -> !call.isCancelled());
    if (!call.isCancelled()) {
      call.onCompleted();
    }
  }

  @Override
  public void getDefinitionSchema(GetDefinitionSchemaRequest request, StreamObserver<DefinitionSchema> response) {
    respond(response, DefinitionSchema.newBuilder().setId("urn:nerve:schema:automation-workflow")
        .setSchema(workflows.reader().schema()).build());
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
