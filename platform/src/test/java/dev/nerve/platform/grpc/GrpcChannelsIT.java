package dev.nerve.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.ErrorMappingServerInterceptor;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityClientInterceptor;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.identity.IdentityServerInterceptor;
import dev.nerve.platform.target.Target;
import dev.nerve.platform.target.TargetSelection;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The same interceptors run on the in-process and the network path: identity and deadlines reach
 * the service, errors come back mapped, and unreachable targets are named.
 */
class GrpcChannelsIT {

  private static final Identity ALICE = new Identity("tenant-a", "alice", Set.of("operator"));

  private GrpcServers servers;
  private final InProcessAddress address = InProcessAddress.random();

  @BeforeEach
  void startServers() {
    servers =
        new GrpcServers(
            List.of(new TargetService(Target.INSTALLATION, new EchoService())),
            List.of(new IdentityServerInterceptor(), new ErrorMappingServerInterceptor()),
            address.name(),
            0);
    servers.start();
  }

  @AfterEach
  void stopServers() {
    servers.stop();
  }

  private ChannelFactory factory(String targets, Map<String, NerveProperties.Service> services) {
    NerveProperties properties =
        new NerveProperties(
            targets,
            Path.of("."),
            new NerveProperties.Database(null, null, null, 1),
            new NerveProperties.Redis(null),
            new NerveProperties.Grpc(0, Duration.ofSeconds(7)),
            services);
    return new ChannelFactory(
        TargetSelection.parse(targets),
        properties,
        address.name(),
        List.of(new DeadlineClientInterceptor(Duration.ofSeconds(7)), new IdentityClientInterceptor()));
  }

  /** "local" runs installation in this process; "remote" reaches it over Netty on loopback. */
  private ChannelFactory factory(String path) {
    return path.equals("local")
        ? factory("installation", Map.of())
        : factory(
            "gateway",
            Map.of("installation", new NerveProperties.Service("localhost:" + servers.port())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void identityAndDefaultDeadlineReachTheService(String path) {
    try (ChannelFactory channels = factory(path)) {
      EnvironmentStatus echo =
          IdentityContext.callAs(
              ALICE,
              () ->
                  EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION))
                      .check(CheckEnvironmentRequest.getDefaultInstance()));

      assertThat(echo.getNerveVersion()).isEqualTo("tenant-a/alice/operator");
      long deadlineMs = Long.parseLong(echo.getTargets(0));
      assertThat(deadlineMs).isBetween(1L, 7_000L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void callerDeadlineWinsOverTheDefault(String path) {
    try (ChannelFactory channels = factory(path)) {
      EnvironmentStatus echo =
          Context.current()
              .withDeadline(Deadline.after(2, TimeUnit.SECONDS), java.util.concurrent.Executors.newSingleThreadScheduledExecutor())
              .call(
                  () ->
                      EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION))
                          .check(CheckEnvironmentRequest.getDefaultInstance()));

      assertThat(echo.getNerveVersion()).isEqualTo("anonymous");
      assertThat(Long.parseLong(echo.getTargets(0))).isBetween(1L, 2_000L);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void domainErrorsArriveMappedWithTheirViolations(String path) {
    try (ChannelFactory channels = factory(path)) {
      var stub = EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION));

      assertThatThrownBy(() -> stub.verify(VerifyEnvironmentRequest.newBuilder().setSkipRoundTrip(true).build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                NerveException error = GrpcErrors.fromStatus(e);
                assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(error.violations()).extracting("field").containsExactly("skipRoundTrip");
              });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void unexpectedExceptionsBecomeInternalWithoutLeakingDetails(String path) {
    try (ChannelFactory channels = factory(path)) {
      var stub = EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION));

      assertThatThrownBy(() -> stub.verify(VerifyEnvironmentRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.getStatus().getDescription()).isEqualTo("internal error");
              });
    }
  }

  @Test
  void unreachableRemoteTargetIsNamedInTheError() {
    try (ChannelFactory channels =
        factory("gateway", Map.of("installation", new NerveProperties.Service("127.0.0.1:1")))) {
      Channel channel = channels.channel(Target.INSTALLATION);

      assertThatThrownBy(
              () ->
                  EnvironmentServiceGrpc.newBlockingStub(channel)
                      .check(CheckEnvironmentRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).contains("target installation (127.0.0.1:1)");
              });
    }
  }

  @Test
  void targetWithoutARouteFailsAsUnavailable() {
    try (ChannelFactory channels = factory("gateway", Map.of())) {
      assertThat(channels.routes()).isEmpty();
      assertThatThrownBy(() -> channels.channel(Target.MEMORY))
          .isInstanceOfSatisfying(
              NerveException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("nerve.services.memory.address");
              });
    }
  }

  /** Reports what the server saw: identity in nerve_version, remaining deadline in targets. */
  private static final class EchoService extends EnvironmentServiceGrpc.EnvironmentServiceImplBase {
    @Override
    public void check(CheckEnvironmentRequest request, StreamObserver<EnvironmentStatus> response) {
      String who =
          IdentityContext.current()
              .map(i -> i.tenantId() + "/" + i.userId() + "/" + String.join(",", i.roles()))
              .orElse("anonymous");
      Deadline deadline = Context.current().getDeadline();
      response.onNext(
          EnvironmentStatus.newBuilder()
              .setNerveVersion(who)
              .addTargets(deadline == null ? "-1" : Long.toString(deadline.timeRemaining(TimeUnit.MILLISECONDS)))
              .build());
      response.onCompleted();
    }

    @Override
    public void verify(VerifyEnvironmentRequest request, StreamObserver<VerificationResult> response) {
      if (request.getSkipRoundTrip()) {
        throw NerveException.invalid("skipRoundTrip", "forbidden", "not allowed here");
      }
      throw new IllegalStateException("secret detail: SELECT * FROM users");
    }
  }
}
