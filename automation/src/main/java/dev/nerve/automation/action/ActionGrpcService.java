package dev.nerve.automation.action;

import dev.nerve.api.automation.v1.Action;
import dev.nerve.api.automation.v1.ActionResult;
import dev.nerve.api.automation.v1.ActionServiceGrpc;
import dev.nerve.api.automation.v1.ExecuteActionRequest;
import dev.nerve.api.automation.v1.GetActionRequest;
import dev.nerve.api.automation.v1.ListActionsRequest;
import dev.nerve.api.automation.v1.ListActionsResponse;
import dev.nerve.api.automation.v1.ListKindUsagesRequest;
import dev.nerve.api.automation.v1.ListKindUsagesResponse;
import dev.nerve.api.automation.v1.RegisterActionRequest;
import dev.nerve.api.automation.v1.RemoveActionRequest;
import dev.nerve.api.automation.v1.RemoveActionResponse;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.PageCursor;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** gRPC adapter of {@code automation.actions}: translates and delegates to {@link Actions}. */
final class ActionGrpcService extends ActionServiceGrpc.ActionServiceImplBase {

  private final Actions actions;

  ActionGrpcService(Actions actions) {
    this.actions = actions;
  }

  @Override
  public void register(RegisterActionRequest request, StreamObserver<Action> response) {
    respond(response, actions.register(Principal.caller(), request.getAction()));
  }

  @Override
  public void execute(ExecuteActionRequest request, StreamObserver<ActionResult> response) {
    respond(
        response,
        actions.execute(
            Principal.caller(),
            request.getActionId(),
            request.getParams(),
            request.getRequestId(),
            request.hasTimeout() ? Times.duration(request.getTimeout()) : null));
  }

  @Override
  public void remove(RemoveActionRequest request, StreamObserver<RemoveActionResponse> response) {
    var removedAt = actions.remove(Principal.caller(), request.getId(), request.getForce());
    respond(response, RemoveActionResponse.newBuilder().setId(request.getId()).setRemovedAt(Times.proto(removedAt)).build());
  }

  @Override
  public void get(GetActionRequest request, StreamObserver<Action> response) {
    respond(response, actions.get(Principal.caller(), request.getId()));
  }

  @Override
  public void list(ListActionsRequest request, StreamObserver<ListActionsResponse> response) {
    int size = Inputs.pageSize(request.getPage());
    PageCursor cursor = PageCursor.decode(request.getPage().getCursor(), 1);
    List<Action> page = actions.list(Principal.caller(), request.getKind(), cursor == null ? "" : cursor.part(0), size);
    boolean more = page.size() > size;
    List<Action> shown = more ? page.subList(0, size) : page;
    PageInfo info = PageCursor.info(shown, more, a -> PageCursor.of(a.getId()));
    respond(response, ListActionsResponse.newBuilder().addAllActions(shown).setPageInfo(info).build());
  }

  @Override
  public void listKindUsages(ListKindUsagesRequest request, StreamObserver<ListKindUsagesResponse> response) {
    respond(response, actions.kindUsages(Principal.caller(), request.getKindPrefix()));
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
