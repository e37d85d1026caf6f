package dev.nerve.gateway.contract;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.SearchHit;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreOutcome;
import dev.nerve.platform.error.ErrorMappingServerInterceptor;
import dev.nerve.platform.error.NerveException;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in long-term memory service on an in-process server, answering from fixed data and
 * recording the requests it got: enough to drive the gateway's contract wiring without a database.
 */
final class FakeMemoryService extends LongTermMemoryServiceGrpc.LongTermMemoryServiceImplBase implements AutoCloseable {

  final List<Object> requests = new ArrayList<>();
  private final Server server;
  final ManagedChannel channel;

  FakeMemoryService() throws java.io.IOException {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(ServerInterceptors.intercept(this, new ErrorMappingServerInterceptor()))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  static Memory memory(String id) {
    return Memory.newBuilder()
        .setId(id)
        .setScope(MemoryScope.newBuilder().setSessionId("s1"))
        .setText("The printer is on floor 3")
        .addTags("office")
        .setImportance(0.5)
        .setMetadata(Struct.newBuilder().putFields("floor", Value.newBuilder().setNumberValue(3).build()))
        .setVersion(7)
        .setCreatedAt(Timestamp.newBuilder().setSeconds(1_764_000_000L).setNanos(5_000_000))
        .setUpdatedAt(Timestamp.newBuilder().setSeconds(1_764_000_000L))
        .setEmbeddingModel("all-minilm-l6-v2-q")
        .setEmbeddingDimension(384)
        .build();
  }

  @Override
  public void get(GetMemoryRequest request, StreamObserver<Memory> response) {
    requests.add(request);
    if (request.getId().equals("missing")) {
      throw NerveException.notFound("memory", request.getId());
    }
    if (request.hasVersion() && request.getVersion() < 1) {
      throw NerveException.invalid("version", "range", "must be at least 1");
    }
    response.onNext(memory(request.getId()));
    response.onCompleted();
  }

  @Override
  public void search(SearchMemoriesRequest request, StreamObserver<SearchResult> response) {
    requests.add(request);
    if (request.getPage().getPageSize() > 500) {
      throw NerveException.invalid("page.pageSize", "max", "must be at most 500");
    }
    response.onNext(
        SearchResult.newBuilder()
            .addHits(SearchHit.newBuilder().setMemory(memory("m1")).setScore(0.9))
            .addHits(SearchHit.newBuilder().setMemory(memory("m2")).setScore(0.8))
            .setPageInfo(
                PageInfo.newBuilder().setHasNextPage(true).setNextCursor("c2").addItemCursors("c1").addItemCursors("c2"))
            .setTotalCandidates(5)
            .build());
    response.onCompleted();
  }

  @Override
  public void store(StoreMemoryRequest request, StreamObserver<StoreMemoryResponse> response) {
    requests.add(request);
    response.onNext(
        StoreMemoryResponse.newBuilder()
            .setMemory(memory("new").toBuilder().setText(request.getText()))
            .setOutcome(StoreOutcome.STORE_OUTCOME_CREATED)
            .build());
    response.onCompleted();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
  }
}
