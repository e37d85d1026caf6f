package dev.nerve.platform.identity;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Copies the identity of the current {@link io.grpc.Context} into outgoing call metadata, signed
 * with the deployment's {@link InternalSecret} so the receiving service can trust it.
 */
public final class IdentityClientInterceptor implements ClientInterceptor {

  private final InternalToken token;

  /** Signs with this JVM's generated secret (every target in one process). */
  public IdentityClientInterceptor() {
    this(InternalSecret.processDefault());
  }

  public IdentityClientInterceptor(InternalSecret secret) {
    this.token = new InternalToken(secret);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    Identity identity = IdentityContext.KEY.get();
    ClientCall<Q, R> call = next.newCall(method, options);
    if (identity == null) {
      return call;
    }
    return new SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        IdentityContext.write(identity, headers, token);
        super.start(listener, headers);
      }
    };
  }
}
