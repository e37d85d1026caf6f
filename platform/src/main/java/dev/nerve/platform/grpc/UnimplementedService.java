package dev.nerve.platform.grpc;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;

/**
 * Serves a contract whose implementation has not shipped yet: every method answers UNIMPLEMENTED
 * with a message naming the operation, instead of failing to bind or hanging.
 */
public final class UnimplementedService implements BindableService {

  private final ServiceDescriptor descriptor;

  public UnimplementedService(ServiceDescriptor descriptor) {
    this.descriptor = descriptor;
  }

  @Override
  public ServerServiceDefinition bindService() {
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor);
    for (MethodDescriptor<?, ?> method : descriptor.getMethods()) {
      add(builder, method);
    }
    return builder.build();
  }

  private static <Q, R> void add(ServerServiceDefinition.Builder builder, MethodDescriptor<Q, R> m) {
    String message =
        m.getFullMethodName() + " is part of the contract but not available in this build yet";
    if (m.getType().clientSendsOneMessage()) {
      builder.addMethod(
          m,
          ServerCalls.asyncUnaryCall(
              (request, observer) ->
                  observer.onError(Status.UNIMPLEMENTED.withDescription(message).asException())));
    } else {
      builder.addMethod(
          m,
          ServerCalls.asyncBidiStreamingCall(
              observer -> {
                observer.onError(Status.UNIMPLEMENTED.withDescription(message).asException());
                return new io.grpc.stub.StreamObserver<Q>() {
                  @Override
                  public void onNext(Q value) {}

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                };
              }));
    }
  }
}
