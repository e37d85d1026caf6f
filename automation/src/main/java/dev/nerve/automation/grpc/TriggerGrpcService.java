package dev.nerve.automation.grpc;

import dev.nerve.api.automation.v1.CreateWebhookRequest;
import dev.nerve.api.automation.v1.DeleteWebhookRequest;
import dev.nerve.api.automation.v1.DeleteWebhookResponse;
import dev.nerve.api.automation.v1.DeliverWebhookRequest;
import dev.nerve.api.automation.v1.DeliverWebhookResponse;
import dev.nerve.api.automation.v1.EmitEventRequest;
import dev.nerve.api.automation.v1.EmitEventResponse;
import dev.nerve.api.automation.v1.GetWebhookRequest;
import dev.nerve.api.automation.v1.ListWebhooksRequest;
import dev.nerve.api.automation.v1.ListWebhooksResponse;
import dev.nerve.api.automation.v1.TriggerServiceGrpc;
import dev.nerve.api.automation.v1.Webhook;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.automation.support.Inputs;
import dev.nerve.automation.support.PageCursor;
import dev.nerve.automation.support.Principal;
import dev.nerve.automation.support.Times;
import dev.nerve.automation.trigger.Events;
import dev.nerve.automation.trigger.Webhooks;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;

/** gRPC adapter of the automation triggers (webhooks and events). */
final class TriggerGrpcService extends TriggerServiceGrpc.TriggerServiceImplBase {

  private final Webhooks webhooks;
  private final Events events;

  TriggerGrpcService(Webhooks webhooks, Events events) {
    this.webhooks = webhooks;
    this.events = events;
  }

  @Override
  public void createWebhook(CreateWebhookRequest request, StreamObserver<Webhook> response) {
    respond(response, webhooks.create(Principal.caller(), request.getWebhook()));
  }

  @Override
  public void getWebhook(GetWebhookRequest request, StreamObserver<Webhook> response) {
    respond(response, webhooks.get(Principal.caller(), request.getId()));
  }

  @Override
  public void listWebhooks(ListWebhooksRequest request, StreamObserver<ListWebhooksResponse> response) {
    int size = Inputs.pageSize(request.getPage());
    PageCursor cursor = PageCursor.decode(request.getPage().getCursor(), 2);
    Instant afterCreated = cursor == null ? null : Times.fromMicros(cursor.number(0));
    String afterId = cursor == null ? null : cursor.part(1);
    List<Webhook> page = webhooks.list(Principal.caller(), request.getWorkflowId(), afterCreated, afterId, size + 1);
    boolean more = page.size() > size;
    List<Webhook> shown = more ? page.subList(0, size) : page;
    PageInfo info =
        PageCursor.info(shown, more, hook -> PageCursor.of(Long.toString(Times.micros(Times.instant(hook.getCreatedAt()))), hook.getId()));
    respond(response, ListWebhooksResponse.newBuilder().addAllWebhooks(shown).setPageInfo(info).build());
  }

  @Override
  public void deleteWebhook(DeleteWebhookRequest request, StreamObserver<DeleteWebhookResponse> response) {
    Instant at = webhooks.delete(Principal.caller(), request.getId());
    respond(response, DeleteWebhookResponse.newBuilder().setId(request.getId()).setDeletedAt(Times.proto(at)).build());
  }

  @Override
  public void deliverWebhook(DeliverWebhookRequest request, StreamObserver<DeliverWebhookResponse> response) {
    var id = webhooks.deliver(Inputs.required("hookId", request.getHookId()), request.getBody().toByteArray(), request.getHeadersMap());
    respond(response, DeliverWebhookResponse.newBuilder().setExecutionId(id.toString()).build());
  }

  @Override
  public void emitEvent(EmitEventRequest request, StreamObserver<EmitEventResponse> response) {
    Inputs.text("requestId", request.getRequestId(), 200);
    respond(response, events.emit(Principal.caller(), request.getName(), request.getKey(), request.getPayload(), request.getRequestId()));
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
