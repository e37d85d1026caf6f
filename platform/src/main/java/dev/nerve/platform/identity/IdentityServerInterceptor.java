package dev.nerve.platform.identity;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Reads the caller's identity from metadata into the call's {@link Context}. */
public final class IdentityServerInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return IdentityContext.read(headers)
        .map(
            identity ->
                Contexts.interceptCall(
                    Context.current().withValue(IdentityContext.KEY, identity),
                    call,
                    headers,
                    next))
        .orElseGet(() -> next.startCall(call, headers));
  }
}
