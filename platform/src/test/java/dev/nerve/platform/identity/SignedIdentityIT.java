package dev.nerve.platform.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.installation.v1.CheckEnvironmentRequest;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.ErrorMappingServerInterceptor;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.grpc.GrpcServers;
import dev.nerve.platform.grpc.InProcessAddress;
import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.security.AuthorizationServerInterceptor;
import dev.nerve.platform.target.Target;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A service behind the real interceptor chain, called over Netty as a caller that bypasses the
 * gateway would: only identities signed with the deployment's secret get through, and roles are
 * checked per method.
 */
class SignedIdentityIT {

  private static final InternalSecret SECRET = InternalSecret.of("a-deployment-secret-of-at-least-32-bytes");
  private static final Identity ALICE = new Identity("tenant-a", "alice", Set.of("viewer"));

  private GrpcServers servers;
  private ManagedChannel channel;

  @BeforeEach
  void start() {
    servers =
        new GrpcServers(
            List.of(new TargetService(Target.INSTALLATION, new WhoAmI())),
            List.of(
                new IdentityServerInterceptor(SECRET),
                new AuthorizationServerInterceptor(),
                new ErrorMappingServerInterceptor()),
            InProcessAddress.random().name(),
            0,
            "127.0.0.1");
    servers.start();
    channel = NettyChannelBuilder.forTarget("localhost:" + servers.port()).usePlaintext().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    servers.stop();
  }

  private EnvironmentStatus check(Channel through) {
    return EnvironmentServiceGrpc.newBlockingStub(through).check(CheckEnvironmentRequest.getDefaultInstance());
  }

  @Test
  void aSignedIdentityReachesTheService() {
    Channel signed = ClientInterceptors.intercept(channel, new IdentityClientInterceptor(SECRET));
    EnvironmentStatus answer = IdentityContext.callAs(ALICE, () -> check(signed));
    assertThat(answer.getNerveVersion()).isEqualTo("tenant-a/alice");
  }

  @Test
  void noIdentityForgedMetadataOrAnotherSecretIsUnauthenticated() {
    assertRefused(() -> check(channel), ErrorCode.UNAUTHENTICATED);

    // Plain metadata, as a caller that knows the header names but not the secret would send it.
    Channel forged = ClientInterceptors.intercept(channel, headers("tenant-b", "mallory", "admin", null));
    assertRefused(() -> check(forged), ErrorCode.UNAUTHENTICATED);

    // A valid signature of someone else, with the tenant swapped.
    String aliceSignature = new InternalToken(SECRET).sign(ALICE);
    Channel swapped = ClientInterceptors.intercept(channel, headers("tenant-b", "alice", "viewer", aliceSignature));
    assertRefused(() -> check(swapped), ErrorCode.UNAUTHENTICATED);

    Channel otherDeployment =
        ClientInterceptors.intercept(
            channel, new IdentityClientInterceptor(InternalSecret.of("another-deployment-secret-32-bytes-long")));
    assertRefused(() -> IdentityContext.callAs(ALICE, () -> check(otherDeployment)), ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void aRoleWithoutThePermissionIsDenied() {
    Channel signed = ClientInterceptors.intercept(channel, new IdentityClientInterceptor(SECRET));
    Identity nobody = new Identity("tenant-a", "bob", Set.of());
    assertRefused(() -> IdentityContext.callAs(nobody, () -> check(signed)), ErrorCode.PERMISSION_DENIED);
  }

  @Test
  void signaturesExpireAndCoverEveryField() {
    InternalToken token = new InternalToken(SECRET);
    String signature = token.sign(ALICE);
    assertThat(token.verify(ALICE, signature)).isTrue();
    assertThat(token.verify(new Identity("tenant-a", "alice", Set.of("admin")), signature)).isFalse();
    assertThat(token.verify(ALICE, signature.substring(0, signature.length() - 2) + "xx")).isFalse();
    InternalToken later =
        new InternalToken(SECRET, java.time.Clock.fixed(Instant.now().plus(InternalToken.LIFETIME).plusSeconds(5), java.time.ZoneOffset.UTC));
    assertThat(later.verify(ALICE, signature)).isFalse();
    assertThatThrownBy(() -> InternalSecret.of("short")).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class, e -> assertThat(GrpcErrors.fromStatus(e).code()).isEqualTo(code));
  }

  private static ClientInterceptor headers(String tenant, String user, String roles, String signature) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata metadata) {
            metadata.put(IdentityContext.TENANT, tenant);
            metadata.put(IdentityContext.USER, user);
            metadata.put(IdentityContext.ROLES, roles);
            if (signature != null) {
              metadata.put(IdentityContext.SIGNATURE, signature);
            }
            super.start(listener, metadata);
          }
        };
      }
    };
  }

  /** Answers with the identity it received. */
  private static final class WhoAmI extends EnvironmentServiceGrpc.EnvironmentServiceImplBase {
    @Override
    public void check(CheckEnvironmentRequest request, StreamObserver<EnvironmentStatus> response) {
      Identity identity = IdentityContext.require();
      response.onNext(EnvironmentStatus.newBuilder().setNerveVersion(identity.tenantId() + "/" + identity.userId()).build());
      response.onCompleted();
    }
  }
}
