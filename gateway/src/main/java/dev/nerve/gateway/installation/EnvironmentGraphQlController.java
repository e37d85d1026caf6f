package dev.nerve.gateway.installation;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.platform.target.Target;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/** GraphQL for {@code installation.environment}: namespaced queries and a progress subscription. */
@Controller
class EnvironmentGraphQlController {

  /** Marker for the {@code installation} namespace. */
  record InstallationNamespace() {}

  /** Marker for the {@code installation.environment} namespace. */
  record EnvironmentNamespace() {}

  private final ServiceCalls calls;

  EnvironmentGraphQlController(ServiceCalls calls) {
    this.calls = calls;
  }

  @QueryMapping
  InstallationNamespace installation() {
    return new InstallationNamespace();
  }

  @SchemaMapping(typeName = "InstallationQuery")
  EnvironmentNamespace environment(InstallationNamespace installation) {
    return new EnvironmentNamespace();
  }

  @SchemaMapping(typeName = "EnvironmentQuery")
  EnvironmentViews.StatusView check(
      EnvironmentNamespace environment, @Argument List<String> checkIds) {
    return EnvironmentViews.StatusView.of(
        calls.call(
            Target.INSTALLATION,
            EnvironmentServiceGrpc::newBlockingStub,
            stub -> stub.check(request(checkIds))));
  }

  @SchemaMapping(typeName = "EnvironmentQuery")
  EnvironmentViews.Verification verify(EnvironmentNamespace environment, @Argument Boolean roundTrip) {
    return EnvironmentViews.Verification.of(
        calls.call(
            Target.INSTALLATION,
            EnvironmentServiceGrpc::newBlockingStub,
            stub ->
                stub.verify(
                    VerifyEnvironmentRequest.newBuilder()
                        .setRoundTrip(roundTrip == null || roundTrip)
                        .build())));
  }

  @SubscriptionMapping
  Flux<EnvironmentViews.Check> installationEnvironmentCheckProgress(@Argument List<String> checkIds) {
    CheckEnvironmentRequest request = request(checkIds);
    return Flux.<EnvironmentCheck>create(
            sink ->
                calls.as(
                    () -> {
                      EnvironmentServiceGrpc.newStub(calls.channel(Target.INSTALLATION))
                          .watchCheck(
                              request,
                              new ClientResponseObserver<CheckEnvironmentRequest, EnvironmentCheck>() {
                                @Override
                                public void beforeStart(
                                    ClientCallStreamObserver<CheckEnvironmentRequest> call) {
                                  sink.onDispose(() -> call.cancel("subscription closed", null));
                                }

                                @Override
                                public void onNext(EnvironmentCheck check) {
                                  sink.next(check);
                                }

                                @Override
                                public void onError(Throwable error) {
                                  sink.error(error);
                                }

                                @Override
                                public void onCompleted() {
                                  sink.complete();
                                }
                              });
                      return null;
                    }))
        .map(EnvironmentViews.Check::of);
  }

  static CheckEnvironmentRequest request(List<String> checkIds) {
    return CheckEnvironmentRequest.newBuilder()
        .addAllCheckIds(checkIds == null ? List.of() : checkIds)
        .build();
  }
}
