package dev.nerve.automation;

import com.google.protobuf.Value;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreOutcome;
import dev.nerve.api.sdk.v1.ApiEndpointServiceGrpc;
import dev.nerve.api.sdk.v1.CallEndpointRequest;
import dev.nerve.api.sdk.v1.CallEndpointResponse;
import dev.nerve.api.sdk.v1.ExtensionServiceGrpc;
import dev.nerve.api.sdk.v1.InvokeExtensionActionRequest;
import dev.nerve.api.sdk.v1.InvokeExtensionActionResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Small stand-ins for the memory and SDK services on a loopback Netty port, recording what the
 * automation service sends them (requests and the tenant they were sent for).
 */
public final class FakeServices implements AutoCloseable {

  /** A request as received, with its tenant metadata. */
  public record Received(Object request, String tenant) {}

  public final List<Received> received = new CopyOnWriteArrayList<>();
  private final Server server;
  private final ThreadLocal<String> tenant = new ThreadLocal<>();

  public FakeServices() {
    Metadata.Key<String> tenantKey = Metadata.Key.of("x-nerve-tenant", Metadata.ASCII_STRING_MARSHALLER);
    ServerInterceptor capture =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String t = headers.get(tenantKey);
            ServerCall.Listener<Q> delegate = next.startCall(call, headers);
            return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
              @Override
              public void onHalfClose() {
                tenant.set(t);
                try {
                  super.onHalfClose();
                } finally {
                  tenant.remove();
                }
              }
            };
          }
        };
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(ServerInterceptors.intercept(new Memory(), capture))
              .addService(ServerInterceptors.intercept(new Endpoints(), capture))
              .addService(ServerInterceptors.intercept(new Extensions(), capture))
              .directExecutor()
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private final class Memory extends LongTermMemoryServiceGrpc.LongTermMemoryServiceImplBase {
    @Override
    public void store(StoreMemoryRequest request, StreamObserver<StoreMemoryResponse> response) {
      received.add(new Received(request, tenant.get()));
      response.onNext(StoreMemoryResponse.newBuilder().setOutcome(StoreOutcome.STORE_OUTCOME_CREATED)
          .setMemory(dev.nerve.api.memory.v1.Memory.newBuilder().setId("m-1").setText(request.getText())).build());
      response.onCompleted();
    }

    @Override
    public void search(SearchMemoriesRequest request, StreamObserver<SearchResult> response) {
      received.add(new Received(request, tenant.get()));
      response.onNext(SearchResult.newBuilder().addHits(SearchHit.newBuilder().setScore(0.9)
          .setMemory(dev.nerve.api.memory.v1.Memory.newBuilder().setId("m-1").setText("found " + request.getQuery()))).build());
      response.onCompleted();
    }
  }

  private final class Endpoints extends ApiEndpointServiceGrpc.ApiEndpointServiceImplBase {
    @Override
    public void call(CallEndpointRequest request, StreamObserver<CallEndpointResponse> response) {
      received.add(new Received(request, tenant.get()));
      response.onNext(CallEndpointResponse.newBuilder().setStatusCode(200)
          .setBody(Value.newBuilder().setStringValue("called " + request.getEndpoint())).build());
      response.onCompleted();
    }
  }

  private final class Extensions extends ExtensionServiceGrpc.ExtensionServiceImplBase {
    @Override
    public void invokeAction(InvokeExtensionActionRequest request, StreamObserver<InvokeExtensionActionResponse> response) {
      received.add(new Received(request, tenant.get()));
      if (request.getAction().equals("missing")) {
        response.onError(io.grpc.Status.NOT_FOUND.withDescription("no action missing").asRuntimeException());
        return;
      }
      response.onNext(InvokeExtensionActionResponse.newBuilder()
          .setOutput(Value.newBuilder().setStringValue(request.getExtensionId() + "/" + request.getAction()))
          .addLogs("ran " + request.getAction()).build());
      response.onCompleted();
    }
  }
}
