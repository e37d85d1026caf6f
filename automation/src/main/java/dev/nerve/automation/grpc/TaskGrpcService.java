package dev.nerve.automation.grpc;

import dev.nerve.api.automation.v1.CancelTaskRequest;
import dev.nerve.api.automation.v1.CancelTaskResponse;
import dev.nerve.api.automation.v1.GetTaskRequest;
import dev.nerve.api.automation.v1.ListTasksRequest;
import dev.nerve.api.automation.v1.ListTasksResponse;
import dev.nerve.api.automation.v1.ScheduleTaskRequest;
import dev.nerve.api.automation.v1.Task;
import dev.nerve.api.automation.v1.TaskServiceGrpc;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.PageCursor;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.task.Tasks;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;

/** gRPC adapter of {@code automation.tasks}: translates and delegates to {@link Tasks}. */
final class TaskGrpcService extends TaskServiceGrpc.TaskServiceImplBase {

  private final Tasks tasks;

  TaskGrpcService(Tasks tasks) {
    this.tasks = tasks;
  }

  @Override
  public void schedule(ScheduleTaskRequest request, StreamObserver<Task> response) {
    Inputs.text("requestId", request.getRequestId(), 200);
    respond(response, tasks.schedule(Principal.caller(), request.getTask(), request.getRequestId()));
  }

  @Override
  public void cancel(CancelTaskRequest request, StreamObserver<CancelTaskResponse> response) {
    var task = tasks.cancel(Principal.caller(), request.getId());
    respond(
        response,
        CancelTaskResponse.newBuilder().setId(task.id()).setStatus(task.status())
            .setCancelledAt(Times.proto(task.cancelledAt() == null ? Times.now() : task.cancelledAt())).build());
  }

  @Override
  public void list(ListTasksRequest request, StreamObserver<ListTasksResponse> response) {
    int size = Inputs.pageSize(request.getPage());
    PageCursor cursor = PageCursor.decode(request.getPage().getCursor(), 2);
    Instant afterNext = null;
    String afterId = null;
    boolean afterNull = false;
    if (cursor != null) {
      afterNull = cursor.part(0).isEmpty();
      afterNext = afterNull ? null : Times.fromMicros(cursor.number(0));
      afterId = cursor.part(1);
    }
    List<Task> page = tasks.list(Principal.caller(), request.getStatus(), afterNext, afterId, afterNull, size + 1);
    boolean more = page.size() > size;
    List<Task> shown = more ? page.subList(0, size) : page;
    PageInfo info =
        PageCursor.info(
            shown,
            more,
            task -> PageCursor.of(task.hasNextRunAt() ? Long.toString(Times.micros(Times.instant(task.getNextRunAt()))) : "", task.getId()));
    respond(response, ListTasksResponse.newBuilder().addAllTasks(shown).setPageInfo(info).build());
  }

  @Override
  public void get(GetTaskRequest request, StreamObserver<Task> response) {
    respond(response, tasks.get(Principal.caller(), request.getId()));
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
