package dev.nerve.installation.dependency;

import com.google.protobuf.util.Timestamps;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.installation.v1.Dependency;
import dev.nerve.api.installation.v1.DependencyPlan;
import dev.nerve.api.installation.v1.DependencyProgress;
import dev.nerve.api.installation.v1.DependencyProgressPhase;
import dev.nerve.api.installation.v1.DependencyRequirement;
import dev.nerve.api.installation.v1.DependencyServiceGrpc;
import dev.nerve.api.installation.v1.GetDependencyRequest;
import dev.nerve.api.installation.v1.InstallDependenciesRequest;
import dev.nerve.api.installation.v1.ListDependenciesRequest;
import dev.nerve.api.installation.v1.ListDependenciesResponse;
import dev.nerve.api.installation.v1.ListDependencyUpdatesRequest;
import dev.nerve.api.installation.v1.ListDependencyUpdatesResponse;
import dev.nerve.api.installation.v1.ListPackageSourcesRequest;
import dev.nerve.api.installation.v1.ListPackageSourcesResponse;
import dev.nerve.api.installation.v1.PackageSource;
import dev.nerve.api.installation.v1.PutPackageSourceRequest;
import dev.nerve.api.installation.v1.RemoveDependenciesRequest;
import dev.nerve.api.installation.v1.RemovePackageSourceRequest;
import dev.nerve.api.installation.v1.RemovePackageSourceResponse;
import dev.nerve.api.installation.v1.UpdateDependenciesRequest;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** gRPC adapter for {@code installation.dependencies}: checks input, calls the installer, answers. */
final class DependencyGrpcService extends DependencyServiceGrpc.DependencyServiceImplBase {

  private final PackageInstaller installer;
  private final LockStore lock;
  private final SourceStore sources;
  private final SourceCatalogs catalogs;

  DependencyGrpcService(PackageInstaller installer, LockStore lock, SourceStore sources, SourceCatalogs catalogs) {
    this.installer = installer;
    this.lock = lock;
    this.sources = sources;
    this.catalogs = catalogs;
  }

  private static String tenant() {
    return IdentityContext.require().tenantId();
  }

  @Override
  public void install(InstallDependenciesRequest request, StreamObserver<DependencyPlan> response) {
    DependencyRequests.requirements(request.getDependenciesList(), true);
    reply(response, installer.install(tenant(), request.getDependenciesList(), request.getDryRun(), Progress.NONE));
  }

  @Override
  public void watchInstall(InstallDependenciesRequest request, StreamObserver<DependencyProgress> response) {
    DependencyRequests.requirements(request.getDependenciesList(), true);
    ServerCallStreamObserver<DependencyProgress> stream = (ServerCallStreamObserver<DependencyProgress>) response;
    Progress progress = event -> {
      if (!stream.isCancelled()) {
        stream.onNext(event);
      }
    };
    DependencyPlan plan;
    try {
      plan = installer.install(tenant(), request.getDependenciesList(), request.getDryRun(), progress);
    } catch (NerveException e) {
      progress.report(DependencyProgress.newBuilder()
          .setPhase(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_FAILED)
          .setMessage(e.getMessage())
          .build());
      throw e;
    }
    progress.report(DependencyProgress.newBuilder()
        .setPhase(DependencyProgressPhase.DEPENDENCY_PROGRESS_PHASE_COMPLETED)
        .setMessage(plan.getDryRun() ? "planned; nothing changed" : "installed")
        .setPlan(plan)
        .build());
    if (!stream.isCancelled()) {
      stream.onCompleted();
    }
  }

  @Override
  public void update(UpdateDependenciesRequest request, StreamObserver<DependencyPlan> response) {
    DependencyRequests.requirements(request.getDependenciesList(), false);
    reply(response, installer.update(tenant(), request.getDependenciesList(), request.getDryRun(), Progress.NONE));
  }

  @Override
  public void remove(RemoveDependenciesRequest request, StreamObserver<DependencyPlan> response) {
    DependencyRequests.names(request.getNamesList());
    reply(response, installer.remove(tenant(), request.getNamesList(), request.getCascade(), request.getDryRun()));
  }

  @Override
  public void get(GetDependencyRequest request, StreamObserver<Dependency> response) {
    DependencyRequests.name("name", request.getName());
    LockedPackage found = lock.find(tenant(), request.getName());
    if (found == null) {
      throw NerveException.notFound("package", request.getName());
    }
    reply(response, proto(found));
  }

  @Override
  public void list(ListDependenciesRequest request, StreamObserver<ListDependenciesResponse> response) {
    int size = DependencyRequests.pageSize(request.getPage().getPageSize());
    String after = DependencyRequests.after(request.getPage().getCursor());
    List<LockedPackage> page = lock.page(tenant(), after, size + 1);
    boolean more = page.size() > size;
    List<LockedPackage> shown = more ? page.subList(0, size) : page;
    PageInfo.Builder info = PageInfo.newBuilder().setHasNextPage(more);
    shown.forEach(p -> info.addItemCursors(DependencyRequests.cursor(p.name())));
    if (more) {
      info.setNextCursor(DependencyRequests.cursor(shown.get(shown.size() - 1).name()));
    }
    reply(response, ListDependenciesResponse.newBuilder()
        .addAllDependencies(shown.stream().map(DependencyGrpcService::proto).toList())
        .setPageInfo(info)
        .build());
  }

  @Override
  public void listUpdates(ListDependencyUpdatesRequest request, StreamObserver<ListDependencyUpdatesResponse> response) {
    String tenant = tenant();
    reply(response, ListDependencyUpdatesResponse.newBuilder()
        .addAllUpdates(AvailableUpdates.of(lock.all(tenant), catalogs.of(tenant)))
        .build());
  }

  @Override
  public void putSource(PutPackageSourceRequest request, StreamObserver<PackageSource> response) {
    DependencyRequests.source(request);
    PackageSource source = PackageSource.newBuilder()
        .setName(request.getName())
        .setKind(request.getKind())
        .setLocation(request.getLocation())
        .setPriority(request.getPriority())
        .build();
    catalogs.reader(source);
    reply(response, sources.put(tenant(), source));
  }

  @Override
  public void removeSource(RemovePackageSourceRequest request, StreamObserver<RemovePackageSourceResponse> response) {
    DependencyRequests.name("name", request.getName());
    if (!sources.delete(tenant(), request.getName())) {
      throw NerveException.notFound("package source", request.getName());
    }
    reply(response, RemovePackageSourceResponse.newBuilder().setName(request.getName()).build());
  }

  @Override
  public void listSources(ListPackageSourcesRequest request, StreamObserver<ListPackageSourcesResponse> response) {
    reply(response, ListPackageSourcesResponse.newBuilder().addAllSources(sources.all(tenant())).build());
  }

  private static Dependency proto(LockedPackage p) {
    Dependency.Builder d = Dependency.newBuilder()
        .setName(p.name())
        .setVersion(p.version())
        .setChecksumSha256(p.sha256())
        .setSource(p.source())
        .setRequestedRange(p.requested() ? p.requestedRange() : "")
        .setRequested(p.requested())
        .setInstalledAt(Timestamps.fromMillis(p.installedAt().toEpochMilli()));
    p.requires().forEach((name, range) ->
        d.addRequires(DependencyRequirement.newBuilder().setName(name).setVersionRange(range)));
    return d.build();
  }

  private static <T> void reply(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
