package dev.nerve.sdk.endpoint;

import static dev.nerve.sdk.support.Replies.reply;

import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.Endpoint;
import dev.nerve.api.sdk.v1.GetEndpointRequest;
import dev.nerve.api.sdk.v1.ImportOpenApiRequest;
import dev.nerve.api.sdk.v1.ImportOpenApiResponse;
import dev.nerve.api.sdk.v1.ListEndpointsRequest;
import dev.nerve.api.sdk.v1.ListEndpointsResponse;
import dev.nerve.api.sdk.v1.RegisterEndpointRequest;
import dev.nerve.api.sdk.v1.RemoveEndpointRequest;
import dev.nerve.api.sdk.v1.RemoveEndpointResponse;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.PageCursor;
import dev.nerve.sdk.support.Times;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** gRPC adapter of {@code sdk.api}: checks the request's shape, scopes it to the caller's tenant, delegates. */
public final class ApiEndpointGrpcService extends ApiEndpointServiceGrpc.ApiEndpointServiceImplBase {

  private final Endpoints endpoints;

  public ApiEndpointGrpcService(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void register(RegisterEndpointRequest request, StreamObserver<Endpoint> response) {
    String tenant = IdentityContext.require().tenantId();
    if (!request.hasEndpoint()) {
      throw NerveException.invalid("endpoint", "required", "must be given");
    }
    reply(response, endpoints.register(tenant, request.getEndpoint(), "", "endpoint"));
  }

  @Override
  public void call(CallEndpointRequest request, StreamObserver<CallEndpointResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    Inputs.violations()
        .match("endpoint", request.getEndpoint(), Inputs.NAME, "an endpoint name")
        .payload("params", request.getParams())
        .check();
    reply(response, endpoints.call(tenant, request.getEndpoint(), request.getParams(), request.getRequestId()));
  }

  @Override
  public void remove(RemoveEndpointRequest request, StreamObserver<RemoveEndpointResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    Inputs.require("name", request.getName(), Inputs.NAME, "an endpoint name");
    var removedAt = endpoints.remove(tenant, request.getName());
    reply(response, RemoveEndpointResponse.newBuilder().setName(request.getName()).setRemovedAt(Times.proto(removedAt)).build());
  }

  @Override
  public void get(GetEndpointRequest request, StreamObserver<Endpoint> response) {
    String tenant = IdentityContext.require().tenantId();
    Inputs.require("name", request.getName(), Inputs.NAME, "an endpoint name");
    reply(response, endpoints.get(tenant, request.getName()));
  }

  @Override
  public void list(ListEndpointsRequest request, StreamObserver<ListEndpointsResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    int size = PageCursor.size(request.getPage().getPageSize());
    String after = PageCursor.decode(request.getPage().getCursor());
    List<Endpoint> page = endpoints.list(tenant, request.getIntegrationId(), after, size + 1);
    boolean more = page.size() > size;
    List<Endpoint> shown = more ? page.subList(0, size) : page;
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    shown.forEach(item -> info.addItemCursors(PageCursor.encode(item.getName())));
    if (more) {
      info.setNextCursor(PageCursor.encode(shown.get(shown.size() - 1).getName()));
    }
    reply(response, ListEndpointsResponse.newBuilder().addAllEndpoints(shown).setPageInfo(info).build());
  }

  @Override
  public void importOpenApi(ImportOpenApiRequest request, StreamObserver<ImportOpenApiResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    reply(response, endpoints.importOpenApi(tenant, request));
  }
}
