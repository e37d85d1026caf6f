package dev.nerve.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs which target and route failed when a call ends UNAVAILABLE or DEADLINE_EXCEEDED, so an
 * operator finds the service and address to look at in the log (with the request's trace id),
 * while the caller's status keeps only the code and a plain message.
 */
final class TargetErrorClientInterceptor implements ClientInterceptor {

  private static final Logger log = LoggerFactory.getLogger(TargetErrorClientInterceptor.class);

  private final String description;

  TargetErrorClientInterceptor(String description) {
    this.description = description;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(
            new SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                Status.Code code = status.getCode();
                if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
                  log.warn(
                      "{} on {}: {} ({})",
                      code,
                      method.getFullMethodName(),
                      description,
                      status.getDescription());
                }
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }
}
