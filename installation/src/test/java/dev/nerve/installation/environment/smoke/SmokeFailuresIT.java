package dev.nerve.installation.environment.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentCheck;
import dev.nerve.api.installation.v1.EnvironmentServiceGrpc;
import dev.nerve.api.installation.v1.VerificationResult;
import dev.nerve.api.installation.v1.VerifyEnvironmentRequest;
import dev.nerve.api.memory.v1.DeleteMemoryRequest;
import dev.nerve.api.memory.v1.DeleteMemoryResponse;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.installation.InstallationTestApplication;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A memory system that answers its health check but misbehaves, reached over the network: the
 * smoke fails naming the step, still deletes what it stored, acts only in the verifier's tenant,
 * and says so when its clean-up is refused.
 */
@SpringBootTest(
    classes = InstallationTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = {"nerve.targets=installation", "nerve.database.max-pool-size=3"})
class SmokeFailuresIT {

  static final FakeMemory MEMORY = new FakeMemory();
  static final List<String> TENANTS = new CopyOnWriteArrayList<>();
  static final Metadata.Key<String> TENANT = Metadata.Key.of("x-nerve-tenant", Metadata.ASCII_STRING_MARSHALLER);
  static final Server SERVER;

  static {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("memory", ServingStatus.SERVING);
    ServerInterceptor tenants =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            TENANTS.add(String.valueOf(headers.get(TENANT)));
            return next.startCall(call, headers);
          }
        };
    try {
      SERVER =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(ServerInterceptors.intercept(MEMORY, tenants))
              .addService(health.getHealthService())
              .build()
              .start();
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("nerve.services.memory.address", () -> "127.0.0.1:" + SERVER.getPort());
  }

  @AfterAll
  static void stop() {
    SERVER.shutdownNow();
  }

  @Autowired ChannelFactory channels;

  @BeforeEach
  void reset() {
    MEMORY.calls.clear();
    MEMORY.refuseDelete = false;
    TENANTS.clear();
  }

  private EnvironmentCheck memorySmoke() {
    VerificationResult result =
        IdentityContext.callAs(
            new Identity("default", "smoke-it", Set.of("operator")),
            () ->
                EnvironmentServiceGrpc.newBlockingStub(channels.channel(Target.INSTALLATION))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .verify(VerifyEnvironmentRequest.getDefaultInstance()));
    assertThat(result.getOk()).isFalse();
    return result.getChecksList().stream().filter(c -> c.getId().equals("smoke.memory")).findFirst().orElseThrow();
  }

  @Test
  void aSearchThatDoesNotFindTheMemoryFailsTheSmokeAndTheMemoryIsStillDeleted() {
    EnvironmentCheck smoke = memorySmoke();

    assertThat(smoke.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(smoke.getDetail())
        .startsWith("could not find the stored memory by search (memory at 127.0.0.1:" + SERVER.getPort() + ")")
        .contains("did not return it");
    // The embedding check searches first; then the smoke stores, searches in vain, and deletes.
    List<String> smokeCalls = MEMORY.calls.subList(MEMORY.calls.indexOf("store"), MEMORY.calls.size());
    assertThat(smokeCalls).contains("search").endsWith("delete m-1").containsOnlyOnce("store");
    // Every call to memory, the smoke's and the embedding check's, acted in the verifier's tenant.
    assertThat(TENANTS).isNotEmpty().containsOnly("nerve-verify");
  }

  @Test
  void aRefusedCleanUpFailsTheSmokeSayingWhatWasLeft() {
    MEMORY.refuseDelete = true;

    EnvironmentCheck smoke = memorySmoke();

    assertThat(smoke.getStatus()).isEqualTo(CheckStatus.CHECK_STATUS_FAIL);
    assertThat(smoke.getDetail())
        .startsWith("could not delete the memory it stored (left in tenant nerve-verify)")
        .contains("PERMISSION_DENIED");
  }

  /** Stores as memory m-1, never finds anything, deletes (or refuses to). */
  static final class FakeMemory extends LongTermMemoryServiceGrpc.LongTermMemoryServiceImplBase {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile boolean refuseDelete;

    @Override
    public void store(StoreMemoryRequest request, StreamObserver<StoreMemoryResponse> response) {
      calls.add("store");
      response.onNext(StoreMemoryResponse.newBuilder().setMemory(Memory.newBuilder().setId("m-1").setText(request.getText())).build());
      response.onCompleted();
    }

    @Override
    public void search(SearchMemoriesRequest request, StreamObserver<SearchResult> response) {
      calls.add("search");
      response.onNext(SearchResult.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void delete(DeleteMemoryRequest request, StreamObserver<DeleteMemoryResponse> response) {
      calls.add("delete " + request.getId());
      if (refuseDelete) {
        response.onError(Status.PERMISSION_DENIED.withDescription("not yours").asRuntimeException());
        return;
      }
      response.onNext(DeleteMemoryResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
