package dev.nerve.sdk.extension;

import static dev.nerve.sdk.support.Replies.reply;

import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionKind;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.api.sdk.v1.GetExtensionRequest;
import dev.nerve.api.sdk.v1.InvokeExtensionActionRequest;
import dev.nerve.api.sdk.v1.InvokeExtensionActionResponse;
import dev.nerve.api.sdk.v1.ListExtensionActionsRequest;
import dev.nerve.api.sdk.v1.ListExtensionActionsResponse;
import dev.nerve.api.sdk.v1.ListExtensionsRequest;
import dev.nerve.api.sdk.v1.ListExtensionsResponse;
import dev.nerve.api.sdk.v1.LoadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionResponse;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.PageCursor;
import dev.nerve.sdk.support.Times;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;

/** gRPC adapter of {@code sdk.extensions}: scopes each call to the caller's tenant and delegates. */
public final class ExtensionGrpcService extends ExtensionServiceGrpc.ExtensionServiceImplBase {

  private static final String EXTENSION_ID = "1-64 of a-z 0-9 _ -";
  private final Extensions extensions;

  public ExtensionGrpcService(Extensions extensions) {
    this.extensions = extensions;
  }

  @Override
  public void load(LoadExtensionRequest request, StreamObserver<Extension> response) {
    String tenant = IdentityContext.require().tenantId();
    if (!request.hasExtension()) {
      throw NerveException.invalid("extension", "required", "must be given");
    }
    reply(response, extensions.load(tenant, request.getExtension(), request.getDisabled()));
  }

  @Override
  public void unload(UnloadExtensionRequest request, StreamObserver<UnloadExtensionResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    reply(response, extensions.unload(tenant, Inputs.require("id", request.getId(), Inputs.EXTENSION_ID, EXTENSION_ID), request.getForce()));
  }

  @Override
  public void list(ListExtensionsRequest request, StreamObserver<ListExtensionsResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    int size = PageCursor.size(request.getPage().getPageSize());
    String after = PageCursor.decode(request.getPage().getCursor());
    List<Extension> page = extensions.list(tenant, after, 10_000).stream()
        .filter(e -> request.getKind() == ExtensionKind.EXTENSION_KIND_UNSPECIFIED || e.getKind() == request.getKind())
        .filter(e -> request.getStatus() == ExtensionStatus.EXTENSION_STATUS_UNSPECIFIED || e.getStatus() == request.getStatus())
        .limit(size + 1L)
        .toList();
    boolean more = page.size() > size;
    List<Extension> shown = more ? page.subList(0, size) : page;
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    shown.forEach(item -> info.addItemCursors(PageCursor.encode(item.getId())));
    if (more) {
      info.setNextCursor(PageCursor.encode(shown.get(shown.size() - 1).getId()));
    }
    reply(response, ListExtensionsResponse.newBuilder().addAllExtensions(shown).setPageInfo(info).build());
  }

  @Override
  public void get(GetExtensionRequest request, StreamObserver<Extension> response) {
    String tenant = IdentityContext.require().tenantId();
    reply(response, extensions.get(tenant, Inputs.require("id", request.getId(), Inputs.EXTENSION_ID, EXTENSION_ID)));
  }

  @Override
  public void invokeAction(InvokeExtensionActionRequest request, StreamObserver<InvokeExtensionActionResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    Inputs.violations()
        .match("extensionId", request.getExtensionId(), Inputs.EXTENSION_ID, EXTENSION_ID)
        .match("action", request.getAction(), Inputs.ID, "1-64 of A-Z a-z 0-9 . _ -")
        .payload("input", request.getInput())
        .check();
    Duration timeout = null;
    if (request.hasTimeout()) {
      timeout = Times.duration(request.getTimeout());
      if (timeout == null) {
        throw NerveException.invalid("timeout", "format", "is not a valid duration");
      }
    }
    reply(response, extensions.invoke(tenant, request.getExtensionId(), request.getAction(), request.getInput(),
        request.getIdempotencyKey(), timeout));
  }

  @Override
  public void listActions(ListExtensionActionsRequest request, StreamObserver<ListExtensionActionsResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    reply(response, ListExtensionActionsResponse.newBuilder().addAllActions(extensions.actions(tenant, request.getExtensionId())).build());
  }
}
