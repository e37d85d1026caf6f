package dev.nerve.platform.error;

import io.grpc.Context;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions thrown by service handlers into gRPC statuses in one place, so handlers stay
 * free of try/catch and no stack trace, SQL or host ever reaches a caller: domain errors keep their
 * code and message, store failures become UNAVAILABLE or DEADLINE_EXCEEDED ({@link StoreErrors}),
 * work cut short by an expired deadline is DEADLINE_EXCEEDED, anything else INTERNAL. Everything
 * but a domain error is logged with the method (the log line carries the trace id).
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
      } else if (nerve.getCause() != null
          && (nerve.code() == ErrorCode.UNAVAILABLE || nerve.code() == ErrorCode.DEADLINE_EXCEEDED)) {
        log.warn("{} answered {}: {}", method, nerve.code(), describe(nerve.getCause()));
      }
      return GrpcErrors.toStatus(nerve);
    }
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    Optional<NerveException> store = StoreErrors.classify(e);
    if (store.isPresent()) {
      log.warn("{} answered {}: {}", method, store.get().code(), describe(e));
      return GrpcErrors.toStatus(store.get());
    }
    Context context = Context.current();
    if (context.getDeadline() != null && context.getDeadline().isExpired()) {
      log.warn("{} ran past its deadline: {}", method, describe(e));
      return GrpcErrors.toStatus(
          NerveException.deadlineExceeded(ErrorCode.DEADLINE_EXCEEDED.plainMessage(), e));
    }
    log.error("{} failed with an unexpected error", method, e);
    return Status.INTERNAL.withDescription("internal error").asRuntimeException();
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null && text.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString();
  }
}
