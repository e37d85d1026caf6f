package dev.nerve.memory.shortterm;

import com.google.protobuf.util.Durations;
import dev.nerve.api.memory.v1.ClearShortTermItemsRequest;
import dev.nerve.api.memory.v1.ClearShortTermItemsResponse;
import dev.nerve.api.memory.v1.MessageRole;
import dev.nerve.api.memory.v1.RetrieveShortTermItemsRequest;
import dev.nerve.api.memory.v1.RetrieveShortTermItemsResponse;
import dev.nerve.api.memory.v1.ShortTermItem;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.StoreShortTermItemRequest;
import dev.nerve.memory.MemoryProperties;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.Owner;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.stub.StreamObserver;
import dev.nerve.platform.idempotency.IdempotencyKeys;
import java.time.Duration;
import java.util.HexFormat;

/** gRPC adapter for {@code memory.shortTerm}: validates, scopes to the caller, delegates. */
final class ShortTermGrpcService extends ShortTermMemoryServiceGrpc.ShortTermMemoryServiceImplBase {

  static final int MAX_LIMIT = 100;

  private final ShortTermMemory memory;
  private final Promotion promotion;
  private final Inputs inputs;
  private final MemoryProperties.ShortTerm settings;

  ShortTermGrpcService(
      ShortTermMemory memory, Promotion promotion, Inputs inputs, MemoryProperties.ShortTerm settings) {
    this.memory = memory;
    this.promotion = promotion;
    this.inputs = inputs;
    this.settings = settings;
  }

  @Override
  public void store(StoreShortTermItemRequest request, StreamObserver<ShortTermItem> response) {
    Owner owner = Owner.of(IdentityContext.require(), request.getScope(), inputs, "scope");
    String text = inputs.text("text", request.getText());
    inputs.json("metadata", request.getMetadata());
    if (request.getRole() == MessageRole.UNRECOGNIZED) {
      throw NerveException.invalid("role", "enum", "unknown role");
    }
    Duration ttl = ttl(request);
    String requestId = IdempotencyKeys.requestId("requestId", request.getRequestId()).orElse(null);
    String requestHash = requestId == null ? null : HexFormat.of().formatHex(IdempotencyKeys.hash(request));
    respond(
        response,
        memory.store(owner, text, request.getRole(), request.getMetadata(), ttl, requestId, requestHash));
  }

  @Override
  public void retrieve(
      RetrieveShortTermItemsRequest request, StreamObserver<RetrieveShortTermItemsResponse> response) {
    Owner scope = Owner.of(IdentityContext.require(), request.getScope(), inputs, "scope");
    String query = inputs.boundedText("query", request.getQuery());
    int limit = Inputs.limit("limit", request.getLimit(), 10, MAX_LIMIT);
    respond(
        response,
        RetrieveShortTermItemsResponse.newBuilder()
            .addAllHits(memory.retrieve(scope, query, limit))
            .build());
  }

  @Override
  public void clear(
      ClearShortTermItemsRequest request, StreamObserver<ClearShortTermItemsResponse> response) {
    Owner scope = Owner.of(IdentityContext.require(), request.getScope(), inputs, "scope");
    respond(response, memory.clear(scope, request.getPromote(), promotion));
  }

  private Duration ttl(StoreShortTermItemRequest request) {
    if (!request.hasTtl()) {
      return settings.defaultTtl();
    }
    try {
      Durations.checkValid(request.getTtl());
    } catch (IllegalArgumentException e) {
      throw NerveException.invalid("ttl", "format", "is not a valid duration");
    }
    Duration ttl = Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos());
    if (ttl.toMillis() < 1 || ttl.compareTo(settings.maxTtl()) > 0) {
      throw NerveException.invalid(
          "ttl", "range", "must be between 1ms and " + settings.maxTtl().toString());
    }
    return ttl;
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
