package dev.nerve.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every outgoing call a deadline: the caller's own, the one inherited from the incoming call
 * (gRPC propagates it through {@link Context}), or the configured default.
 */
public final class DeadlineClientInterceptor implements ClientInterceptor {

  private final Duration defaultDeadline;

  public DeadlineClientInterceptor(Duration defaultDeadline) {
    this.defaultDeadline = defaultDeadline;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    boolean hasDeadline = options.getDeadline() != null || Context.current().getDeadline() != null;
    boolean streaming = !method.getType().serverSendsOneMessage();
    if (hasDeadline || streaming) {
      return next.newCall(method, options);
    }
    return next.newCall(
        method, options.withDeadlineAfter(defaultDeadline.toMillis(), TimeUnit.MILLISECONDS));
  }
}
