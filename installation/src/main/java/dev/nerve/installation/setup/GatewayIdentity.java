package dev.nerve.installation.setup;

import dev.nerve.api.gateway.v1.EnsureFirstAdminRequest;
import dev.nerve.api.gateway.v1.EnsureFirstAdminResponse;
import dev.nerve.api.gateway.v1.EnsureSigningKeyRequest;
import dev.nerve.api.gateway.v1.EnsureSigningKeyResponse;
import dev.nerve.api.gateway.v1.IdentityProvisioningServiceGrpc;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.Target;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gateway's internal provisioning service, which owns tenants, users and signing keys, as the
 * caller of setup (the identity travels with the channel). Refusals of the input come back as
 * they are; anything else (the gateway down or unreachable) is a failed step.
 */
final class GatewayIdentity {

  private static final long TIMEOUT_SECONDS = 30;
  private static final Set<ErrorCode> REFUSALS =
      Set.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.FAILED_PRECONDITION, ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED);

  private final ChannelFactory channels;

  GatewayIdentity(ChannelFactory channels) {
    this.channels = channels;
  }

  EnsureFirstAdminResponse ensureFirstAdmin(EnsureFirstAdminRequest request) {
    return call("create the tenant and administrator", stub -> stub.ensureFirstAdmin(request));
  }

  EnsureSigningKeyResponse ensureSigningKey(boolean dryRun) {
    return call(
        "ensure a token signing key",
        stub -> stub.ensureSigningKey(EnsureSigningKeyRequest.newBuilder().setDryRun(dryRun).build()));
  }

  private <T> T call(String what, Function<IdentityProvisioningServiceGrpc.IdentityProvisioningServiceBlockingStub, T> rpc) {
    try {
      return rpc.apply(
          IdentityProvisioningServiceGrpc.newBlockingStub(channels.channel(Target.GATEWAY))
              .withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (StatusRuntimeException e) {
      NerveException error = GrpcErrors.fromStatus(e);
      if (REFUSALS.contains(error.code())) {
        throw error;
      }
      throw unreachable(what, error);
    } catch (NerveException e) {
      throw unreachable(what, e);
    }
  }

  private static StepFailure unreachable(String what, NerveException e) {
    return new StepFailure(
        "the gateway could not " + what + ": " + e.getMessage() + "; run setup where the gateway target runs,"
            + " or set nerve.services.gateway.address to a gateway's gRPC address",
        e);
  }
}
