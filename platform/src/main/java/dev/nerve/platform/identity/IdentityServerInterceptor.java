package dev.nerve.platform.identity;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Reads the caller's identity from metadata into the call's {@link Context}, after checking its
 * signature: a call that claims an identity no Nerve process signed (forged, unsigned, expired, or
 * signed with another secret) ends with UNAUTHENTICATED before the handler runs.
 */
public final class IdentityServerInterceptor implements ServerInterceptor {

  private final InternalToken token;

  /** Verifies with this JVM's generated secret (every target in one process). */
  public IdentityServerInterceptor() {
    this(InternalSecret.processDefault());
  }

  public IdentityServerInterceptor(InternalSecret secret) {
    this.token = new InternalToken(secret);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!IdentityContext.claimsIdentity(headers)) {
      return next.startCall(call, headers);
    }
    Optional<Identity> identity = IdentityContext.readVerified(headers, token);
    if (identity.isEmpty()) {
      StatusRuntimeException refused =
          GrpcErrors.toStatus(
              new NerveException(
                  ErrorCode.UNAUTHENTICATED,
                  "the call's identity is not signed by this deployment (check"
                      + " nerve.internal.secret): Nerve's gRPC port is internal, for Nerve's own"
                      + " processes; clients use the gateway's GraphQL or REST API"));
      call.close(refused.getStatus(), refused.getTrailers() == null ? new Metadata() : refused.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(IdentityContext.KEY, identity.get()), call, headers, next);
  }
}
