package dev.nerve.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.IntegrationServiceGrpc;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import dev.nerve.platform.target.Target;
import dev.nerve.sdk.support.Json;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Helpers shared by the SDK integration tests: identities, stubs, error assertions. */
public final class SdkTests {

  private SdkTests() {}

  public static String freshTenant() {
    return "t-" + UUID.randomUUID();
  }

  public static Identity admin(String tenant) {
    return new Identity(tenant, "admin", Set.of("admin"));
  }

  public static Identity operator(String tenant) {
    return new Identity(tenant, "operator", Set.of("operator"));
  }

  public static <T> T as(Identity identity, Callable<T> call) {
    return IdentityContext.callAs(identity, call);
  }

  public static ApiEndpointServiceGrpc.ApiEndpointServiceBlockingStub endpoints(ChannelFactory channels) {
    return ApiEndpointServiceGrpc.newBlockingStub(channels.channel(Target.SDK));
  }

  public static IntegrationServiceGrpc.IntegrationServiceBlockingStub integrations(ChannelFactory channels) {
    return IntegrationServiceGrpc.newBlockingStub(channels.channel(Target.SDK));
  }

  public static ExtensionServiceGrpc.ExtensionServiceBlockingStub extensions(ChannelFactory channels) {
    return ExtensionServiceGrpc.newBlockingStub(channels.channel(Target.SDK));
  }

  public static Struct json(String json) {
    return Json.structOf(json);
  }

  /** Asserts the call fails with {@code code}; for bad input also that {@code field} is named. */
  public static NerveException fails(ThrowingCallable call, ErrorCode code, String field) {
    NerveException[] error = new NerveException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          error[0] = GrpcErrors.fromStatus(e);
          assertThat(error[0].code()).as(e.getMessage()).isEqualTo(code);
          if (field != null) {
            assertThat(error[0].violations()).extracting("field").contains(field);
          }
        });
    return error[0];
  }

  /** Asserts the call fails with a raw gRPC status code (DEADLINE_EXCEEDED has no ErrorCode). */
  public static void failsWith(ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).as(e.getMessage()).isEqualTo(code));
  }
}
