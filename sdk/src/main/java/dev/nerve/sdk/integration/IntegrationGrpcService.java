package dev.nerve.sdk.integration;

import static dev.nerve.sdk.support.Replies.reply;

import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.sdk.v1.GetIntegrationRequest;
import dev.nerve.api.sdk.v1.IntegrationConfig;
import dev.nerve.api.sdk.v1.IntegrationServiceGrpc;
import dev.nerve.api.sdk.v1.ListIntegrationsRequest;
import dev.nerve.api.sdk.v1.ListIntegrationsResponse;
import dev.nerve.api.sdk.v1.RemoveIntegrationRequest;
import dev.nerve.api.sdk.v1.RemoveIntegrationResponse;
import dev.nerve.api.sdk.v1.SetupIntegrationRequest;
import dev.nerve.api.sdk.v1.TestIntegrationRequest;
import dev.nerve.api.sdk.v1.TestResult;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.sdk.support.Inputs;
import dev.nerve.sdk.support.PageCursor;
import dev.nerve.sdk.support.Times;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** gRPC adapter of {@code sdk.integration}: scopes each call to the caller's tenant and delegates. */
public final class IntegrationGrpcService extends IntegrationServiceGrpc.IntegrationServiceImplBase {

  private final Integrations integrations;

  public IntegrationGrpcService(Integrations integrations) {
    this.integrations = integrations;
  }

  @Override
  public void setup(SetupIntegrationRequest request, StreamObserver<IntegrationConfig> response) {
    String tenant = IdentityContext.require().tenantId();
    if (!request.hasConfig()) {
      throw NerveException.invalid("config", "required", "must be given");
    }
    reply(response, integrations.setup(tenant, request.getConfig()));
  }

  @Override
  public void test(TestIntegrationRequest request, StreamObserver<TestResult> response) {
    String tenant = IdentityContext.require().tenantId();
    reply(response, integrations.test(tenant, Inputs.require("id", request.getId(), Inputs.ID, "an integration id")));
  }

  @Override
  public void remove(RemoveIntegrationRequest request, StreamObserver<RemoveIntegrationResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    String id = Inputs.require("id", request.getId(), Inputs.ID, "an integration id");
    List<String> affected = integrations.remove(tenant, id, request.getForce());
    reply(response, RemoveIntegrationResponse.newBuilder().setId(id).addAllAffectedEndpoints(affected)
        .setRemovedAt(Times.proto(Times.now())).build());
  }

  @Override
  public void get(GetIntegrationRequest request, StreamObserver<IntegrationConfig> response) {
    String tenant = IdentityContext.require().tenantId();
    reply(response, integrations.get(tenant, Inputs.require("id", request.getId(), Inputs.ID, "an integration id")));
  }

  @Override
  public void list(ListIntegrationsRequest request, StreamObserver<ListIntegrationsResponse> response) {
    String tenant = IdentityContext.require().tenantId();
    int size = PageCursor.size(request.getPage().getPageSize());
    List<IntegrationConfig> page = integrations.list(tenant, request.getProvider(), PageCursor.decode(request.getPage().getCursor()), size + 1);
    boolean more = page.size() > size;
    List<IntegrationConfig> shown = more ? page.subList(0, size) : page;
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    shown.forEach(item -> info.addItemCursors(PageCursor.encode(item.getId())));
    if (more) {
      info.setNextCursor(PageCursor.encode(shown.get(shown.size() - 1).getId()));
    }
    reply(response, ListIntegrationsResponse.newBuilder().addAllIntegrations(shown).setPageInfo(info).build());
  }
}
