package dev.nerve.installation.environment.smoke;

import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.api.sdk.v1.ListExtensionsRequest;
import dev.nerve.api.sdk.v1.ListExtensionsResponse;
import dev.nerve.installation.environment.Finding;
import dev.nerve.installation.environment.Probe;
import dev.nerve.installation.environment.SystemRoute;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The caller's tenant's extensions are healthy: none of them failed to load. It asks the SDK
 * system through its contract as the caller, so it sees that tenant's extensions and no other's.
 */
final class ExtensionsProbe implements Probe {

  /** Extensions read, at most; a tenant with more is told that only these were looked at. */
  static final int PAGE = 200;

  private final ChannelFactory channels;

  ExtensionsProbe(ChannelFactory channels) {
    this.channels = channels;
  }

  @Override
  public String id() {
    return "sdk.extensions";
  }

  @Override
  public String group() {
    return "services";
  }

  @Override
  public String title() {
    return "Extensions healthy";
  }

  @Override
  public Finding run() {
    Optional<SystemRoute> route = SystemRoute.of(channels, Target.SDK);
    if (route.isEmpty()) {
      return Finding.skipped(SystemRoute.notRunning(Target.SDK));
    }
    if (IdentityContext.current().isEmpty()) {
      return Finding.skipped("no caller, so no tenant whose extensions to look at");
    }
    ListExtensionsResponse page;
    try {
      page =
          SystemSmoke.deadline(ExtensionServiceGrpc.newBlockingStub(channels.channel(Target.SDK)))
              .list(ListExtensionsRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(PAGE)).build());
    } catch (StatusRuntimeException e) {
      String description = e.getStatus().getDescription();
      return Finding.fail(
          "the sdk system could not list extensions: " + e.getStatus().getCode() + (description == null ? "" : ": " + description),
          "check that the sdk target runs and answers (grpc.health.sdk)");
    }
    List<Extension> extensions = page.getExtensionsList();
    String more = page.getPageInfo().getHasNextPage() ? " (the first " + PAGE + " looked at)" : "";
    List<Extension> failed =
        extensions.stream().filter(e -> e.getStatus() == ExtensionStatus.EXTENSION_STATUS_FAILED).toList();
    if (!failed.isEmpty()) {
      return Finding.warn(
          failed.size() + " of " + extensions.size() + " extensions failed to load" + more + ": "
              + failed.stream().map(e -> e.getId() + " (" + e.getStatusDetail() + ")").collect(Collectors.joining(", ")),
          "fix or unload them (sdkExtensionsUnload, DELETE /api/v1/sdk/extensions/{id}); the detail says why each failed");
    }
    long loaded = extensions.stream().filter(e -> e.getStatus() == ExtensionStatus.EXTENSION_STATUS_LOADED).count();
    return Finding.ok(extensions.isEmpty() ? "no extensions in this tenant" : loaded + " of " + extensions.size() + " extensions loaded, none failed" + more);
  }
}
