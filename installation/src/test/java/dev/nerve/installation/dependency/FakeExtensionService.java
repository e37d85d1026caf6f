package dev.nerve.installation.dependency;

import dev.nerve.api.sdk.v1.Extension;
import dev.nerve.api.sdk.v1.ExtensionDependency;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.ExtensionStatus;
import dev.nerve.api.sdk.v1.LoadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionRequest;
import dev.nerve.api.sdk.v1.UnloadExtensionResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The SDK system's ExtensionService as the installation service sees it over gRPC: loads are
 * refused unless every dependency is loaded (as the real one does), and a chosen id can be made
 * to fail, so tests see the order of calls and what a failure leaves behind.
 */
public final class FakeExtensionService extends ExtensionServiceGrpc.ExtensionServiceImplBase {

  /** Loaded extensions: id to version. */
  public final Map<String, String> loaded = new ConcurrentHashMap<>();
  /** Every call, as "load id version" or "unload id". */
  public final List<String> calls = new CopyOnWriteArrayList<>();
  /** Ids whose load answers FAILED. */
  final Set<String> failing = ConcurrentHashMap.newKeySet();
  /** Ids whose unload is refused. */
  final Set<String> stuck = ConcurrentHashMap.newKeySet();

  public void reset() {
    loaded.clear();
    calls.clear();
    failing.clear();
    stuck.clear();
  }

  @Override
  public void load(LoadExtensionRequest request, StreamObserver<Extension> response) {
    Extension e = request.getExtension();
    calls.add("load " + e.getId() + " " + e.getVersion());
    for (ExtensionDependency dep : e.getDependenciesList()) {
      if (!loaded.containsKey(dep.getId())) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("dependency " + dep.getId() + " is not loaded").asRuntimeException());
        return;
      }
    }
    if (failing.contains(e.getId())) {
      response.onNext(e.toBuilder().setStatus(ExtensionStatus.EXTENSION_STATUS_FAILED).setStatusDetail("plugin threw in start").build());
      response.onCompleted();
      return;
    }
    loaded.put(e.getId(), e.getVersion());
    response.onNext(e.toBuilder().setStatus(ExtensionStatus.EXTENSION_STATUS_LOADED).build());
    response.onCompleted();
  }

  @Override
  public void unload(UnloadExtensionRequest request, StreamObserver<UnloadExtensionResponse> response) {
    calls.add("unload " + request.getId());
    if (stuck.contains(request.getId())) {
      response.onError(Status.ABORTED.withDescription("extension is in use").asRuntimeException());
      return;
    }
    if (loaded.remove(request.getId()) == null) {
      response.onError(Status.NOT_FOUND.withDescription("extension not found").asRuntimeException());
      return;
    }
    response.onNext(UnloadExtensionResponse.newBuilder().setId(request.getId()).build());
    response.onCompleted();
  }
}
