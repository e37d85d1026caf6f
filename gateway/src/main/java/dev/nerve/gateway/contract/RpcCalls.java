package dev.nerve.gateway.contract;

import com.google.protobuf.Message;
import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.GrpcErrors;
import dev.nerve.platform.error.NerveException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * Calls any contract RPC with a bound request, as the current caller, on the channel to the RPC's
 * target: unary calls block, server-streaming calls become a {@link Flux} that cancels the call
 * when its subscriber goes away. Field violations in a refusal are renamed to the client's paths.
 */
public final class RpcCalls {

  private final ServiceCalls calls;

  public RpcCalls(ServiceCalls calls) {
    this.calls = calls;
  }

  /** Calls a unary RPC. */
  public Message unary(Rpc rpc, RequestBinder.Bound request) {
    try {
      return calls.as(
          () ->
              ClientCalls.blockingUnaryCall(
                  calls.channel(rpc.target()), rpc.method(), CallOptions.DEFAULT, request.message()));
    } catch (StatusRuntimeException e) {
      throw clientPaths(e, request.paths());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Calls a server-streaming RPC when the flux is subscribed. */
  public Flux<Message> stream(Rpc rpc, RequestBinder.Bound request) {
    return Flux.<Message>create(
            sink ->
                calls.as(
                    () -> {
                      ClientCall<Message, Message> call =
                          calls.channel(rpc.target()).newCall(rpc.method(), CallOptions.DEFAULT);
                      ClientCalls.asyncServerStreamingCall(
                          call,
                          request.message(),
                          new ClientResponseObserver<Message, Message>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<Message> stream) {
                              sink.onDispose(() -> stream.cancel("subscription closed", null));
                            }

                            @Override
                            public void onNext(Message value) {
                              sink.next(value);
                            }

                            @Override
                            public void onError(Throwable error) {
                              sink.error(
                                  error instanceof StatusRuntimeException sre
                                      ? clientPaths(sre, request.paths())
                                      : error);
                            }

                            @Override
                            public void onCompleted() {
                              sink.complete();
                            }
                          });
                      return null;
                    }));
  }

  private static RuntimeException clientPaths(StatusRuntimeException e, FieldPaths paths) {
    NerveException error = GrpcErrors.fromStatus(e);
    if (error.violations().isEmpty()) {
      return e;
    }
    List<FieldViolation> violations = paths.client(error.violations());
    NerveException renamed = NerveException.invalid(violations);
    return new NerveException(error.code(), renamed.getMessage(), violations, e);
  }
}
