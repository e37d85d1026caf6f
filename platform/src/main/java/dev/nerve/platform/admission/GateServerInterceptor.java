package dev.nerve.platform.admission;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import java.util.function.Predicate;

/**
 * Puts a {@link Gate} in front of the unary methods of a service that {@code applies} selects:
 * the handler runs only once admitted, and a refusal (OVERLOADED, DEADLINE_EXCEEDED) is thrown
 * before it does anything, for the platform's error mapping to answer.
 */
public final class GateServerInterceptor implements ServerInterceptor {

  private final Gate gate;
  private final Predicate<MethodDescriptor<?, ?>> applies;

  public GateServerInterceptor(Gate gate, Predicate<MethodDescriptor<?, ?>> applies) {
    this.gate = gate;
    this.applies = applies;
  }

  /** {@code service} with this gate in front of the methods it applies to. */
  public BindableService guard(BindableService service) {
    return () -> ServerInterceptors.intercept(service, this);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    if (method.getType() != MethodDescriptor.MethodType.UNARY || !applies.test(method)) {
      return delegate;
    }
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onHalfClose() {
        // Unary handlers run to completion inside onHalfClose, so the permit spans the work.
        Gate.Permit permit = gate.enter();
        try {
          super.onHalfClose();
        } finally {
          permit.close();
        }
      }
    };
  }
}
