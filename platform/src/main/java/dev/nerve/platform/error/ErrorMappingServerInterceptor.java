package dev.nerve.platform.error;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions thrown by service handlers into gRPC statuses in one place, so handlers stay
 * free of try/catch and no stack trace or SQL ever reaches a caller.
 */
public final class ErrorMappingServerInterceptor implements ServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(ErrorMappingServerInterceptor.class);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        guard(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        guard(super::onHalfClose);
      }

      private void guard(Runnable step) {
        try {
          step.run();
        } catch (RuntimeException e) {
          StatusRuntimeException status = map(call.getMethodDescriptor().getFullMethodName(), e);
          call.close(
              status.getStatus(),
              status.getTrailers() == null ? new Metadata() : status.getTrailers());
        }
      }
    };
  }

  /** Maps any exception escaping a handler to the status the caller receives. */
  public static StatusRuntimeException map(String method, Throwable e) {
    if (e instanceof NerveException nerve) {
      if (nerve.code() == ErrorCode.INTERNAL) {
        log.error("{} failed", method, e);
      }
      return GrpcErrors.toStatus(nerve);
    }
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    log.error("{} failed with an unexpected error", method, e);
    return Status.INTERNAL.withDescription("internal error").asRuntimeException();
  }
}
