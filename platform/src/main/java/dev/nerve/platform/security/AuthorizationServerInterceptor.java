package dev.nerve.platform.security;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Enforces the permission each RPC declares ({@link RpcOperation}) on every service method: no signed identity is
 * UNAUTHENTICATED, a role without the permission (or a method with none assigned) is
 * PERMISSION_DENIED. Runs after {@code IdentityServerInterceptor}.
 */
public final class AuthorizationServerInterceptor implements ServerInterceptor {

  /** What a client without a signed identity (any client outside the deployment) is told. */
  public static final String INTERNAL_ONLY =
      "the call carries no identity: Nerve's gRPC port is internal, for Nerve's own processes, and"
          + " accepts only identities signed with the deployment's internal secret"
          + " (nerve.internal.secret); clients use the gateway's GraphQL or REST API with an access"
          + " token or API key";

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Optional<Permission> permission =
        RpcOperation.of(call.getMethodDescriptor()).map(RpcOperation::permission);
    Optional<Identity> identity = IdentityContext.current();
    NerveException refusal = null;
    if (permission.isEmpty()) {
      refusal = new NerveException(ErrorCode.PERMISSION_DENIED, method + " has no permission assigned");
    } else if (permission.get() != Permission.PUBLIC && identity.isEmpty()) {
      refusal = new NerveException(ErrorCode.UNAUTHENTICATED, INTERNAL_ONLY);
    } else if (identity.isPresent() && !permission.get().grantedTo(identity.get())) {
      refusal =
          new NerveException(
              ErrorCode.PERMISSION_DENIED, "requires permission " + permission.get().id());
    }
    if (refusal == null) {
      return next.startCall(call, headers);
    }
    StatusRuntimeException status = GrpcErrors.toStatus(refusal);
    call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
