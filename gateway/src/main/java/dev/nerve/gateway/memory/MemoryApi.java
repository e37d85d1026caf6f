package dev.nerve.gateway.memory;

import dev.nerve.api.memory.v1.ClearShortTermItemsRequest;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.ContextServiceGrpc.ContextServiceBlockingStub;
import dev.nerve.api.memory.v1.DeleteContextRequest;
import dev.nerve.api.memory.v1.DeleteContextResponse;
import dev.nerve.api.memory.v1.DeleteMemoryRequest;
import dev.nerve.api.memory.v1.DeleteMemoryResponse;
import dev.nerve.api.memory.v1.ForgetUserRequest;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.ListContextVersionsRequest;
import dev.nerve.api.memory.v1.ListContextVersionsResponse;
import dev.nerve.api.memory.v1.ListContextsRequest;
import dev.nerve.api.memory.v1.ListContextsResponse;
import dev.nerve.api.memory.v1.ListMemoriesRequest;
import dev.nerve.api.memory.v1.ListMemoriesResponse;
import dev.nerve.api.memory.v1.ListMemoryVersionsRequest;
import dev.nerve.api.memory.v1.ListMemoryVersionsResponse;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc.LongTermMemoryServiceBlockingStub;
import dev.nerve.api.memory.v1.RebuildMemoryIndexRequest;
import dev.nerve.api.memory.v1.RetrieveMemoriesRequest;
import dev.nerve.api.memory.v1.RetrieveShortTermItemsRequest;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.ShortTermMemoryServiceGrpc.ShortTermMemoryServiceBlockingStub;
import dev.nerve.gateway.call.ServiceCalls;
import dev.nerve.gateway.memory.MemoryViews.ClearResult;
import dev.nerve.gateway.memory.MemoryViews.ContextPage;
import dev.nerve.gateway.memory.MemoryViews.ContextView;
import dev.nerve.gateway.memory.MemoryViews.Deleted;
import dev.nerve.gateway.memory.MemoryViews.Forgotten;
import dev.nerve.gateway.memory.MemoryViews.Hit;
import dev.nerve.gateway.memory.MemoryViews.Item;
import dev.nerve.gateway.memory.MemoryViews.ItemHit;
import dev.nerve.gateway.memory.MemoryViews.MemoryPage;
import dev.nerve.gateway.memory.MemoryViews.MemoryView;
import dev.nerve.gateway.memory.MemoryViews.Page;
import dev.nerve.gateway.memory.MemoryViews.Rebuilt;
import dev.nerve.gateway.memory.MemoryViews.Scope;
import dev.nerve.gateway.memory.MemoryViews.SearchPage;
import dev.nerve.gateway.memory.MemoryViews.StoreResult;
import dev.nerve.platform.target.Target;
import java.util.List;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Every memory operation the gateway offers, as one call to the memory service each, returning
 * the views both GraphQL and REST render. Errors propagate to the central mapping.
 */
@Component
class MemoryApi {

  private final ServiceCalls calls;

  MemoryApi(ServiceCalls calls) {
    this.calls = calls;
  }

  private <T> T shortTerm(Function<ShortTermMemoryServiceBlockingStub, T> call) {
    return calls.call(Target.MEMORY, ShortTermMemoryServiceGrpc::newBlockingStub, call);
  }

  private <T> T longTerm(Function<LongTermMemoryServiceBlockingStub, T> call) {
    return calls.call(Target.MEMORY, LongTermMemoryServiceGrpc::newBlockingStub, call);
  }

  private <T> T context(Function<ContextServiceBlockingStub, T> call) {
    return calls.call(Target.MEMORY, ContextServiceGrpc::newBlockingStub, call);
  }

  // Short-term

  Item storeItem(MemoryInputs.StoreItem input) {
    return Item.of(shortTerm(s -> s.store(input.proto())));
  }

  List<ItemHit> retrieveItems(Scope scope, String query, Integer limit) {
    return shortTerm(
            s ->
                s.retrieve(
                    RetrieveShortTermItemsRequest.newBuilder()
                        .setScope(Scope.proto(scope))
                        .setQuery(query == null ? "" : query)
                        .setLimit(limit == null ? 0 : limit)
                        .build()))
        .getHitsList()
        .stream()
        .map(ItemHit::of)
        .toList();
  }

  ClearResult clearItems(Scope scope, Boolean promote) {
    return ClearResult.of(
        shortTerm(
            s ->
                s.clear(
                    ClearShortTermItemsRequest.newBuilder()
                        .setScope(Scope.proto(scope))
                        .setPromote(Boolean.TRUE.equals(promote))
                        .build())));
  }

  // Long-term

  StoreResult storeMemory(MemoryInputs.StoreMemory input) {
    return StoreResult.of(longTerm(s -> s.store(input.proto())));
  }

  List<Hit> retrieveMemories(String query, Scope scope, Integer limit) {
    return longTerm(
            s ->
                s.retrieve(
                    RetrieveMemoriesRequest.newBuilder()
                        .setQuery(query == null ? "" : query)
                        .setScope(Scope.proto(scope))
                        .setLimit(limit == null ? 0 : limit)
                        .build()))
        .getHitsList()
        .stream()
        .map(Hit::of)
        .toList();
  }

  SearchPage search(MemoryInputs.Search input) {
    return SearchPage.of(longTerm(s -> s.search(input.proto())));
  }

  MemoryView memory(String id, Long version) {
    GetMemoryRequest.Builder request = GetMemoryRequest.newBuilder().setId(id);
    if (version != null) {
      request.setVersion(version);
    }
    return MemoryView.of(longTerm(s -> s.get(request.build())));
  }

  MemoryPage memories(Scope scope, List<String> tagsAny, Boolean includeExpired, Integer first, String after) {
    ListMemoriesResponse page =
        longTerm(
            s ->
                s.list(
                    ListMemoriesRequest.newBuilder()
                        .setScope(Scope.proto(scope))
                        .addAllTagsAny(tagsAny == null ? List.of() : tagsAny)
                        .setIncludeExpired(Boolean.TRUE.equals(includeExpired))
                        .setPage(MemoryInputs.page(first, after))
                        .build()));
    return new MemoryPage(page.getMemoriesList().stream().map(MemoryView::of).toList(), Page.of(page.getPageInfo()));
  }

  MemoryPage memoryVersions(String id, Integer first, String after) {
    ListMemoryVersionsResponse page =
        longTerm(
            s ->
                s.listVersions(
                    ListMemoryVersionsRequest.newBuilder().setId(id).setPage(MemoryInputs.page(first, after)).build()));
    return new MemoryPage(page.getVersionsList().stream().map(MemoryView::of).toList(), Page.of(page.getPageInfo()));
  }

  MemoryView updateMemory(String id, MemoryInputs.UpdateMemory input) {
    return MemoryView.of(longTerm(s -> s.update(input.proto(id))));
  }

  Deleted deleteMemory(String id, Long expectedVersion) {
    DeleteMemoryRequest.Builder request = DeleteMemoryRequest.newBuilder().setId(id);
    if (expectedVersion != null) {
      request.setExpectedVersion(expectedVersion);
    }
    DeleteMemoryResponse deleted = longTerm(s -> s.delete(request.build()));
    return new Deleted(deleted.getId(), MemoryViews.instant(deleted.getDeletedAt()));
  }

  Forgotten forgetUser(String userId) {
    return Forgotten.of(
        longTerm(s -> s.forgetUser(ForgetUserRequest.newBuilder().setUserId(userId == null ? "" : userId).build())));
  }

  Rebuilt rebuildIndex(Boolean keyword, Boolean vector, String embeddingModel) {
    return Rebuilt.of(
        longTerm(
            s ->
                s.rebuildIndex(
                    RebuildMemoryIndexRequest.newBuilder()
                        .setKeyword(Boolean.TRUE.equals(keyword))
                        .setVector(Boolean.TRUE.equals(vector))
                        .setEmbeddingModel(embeddingModel == null ? "" : embeddingModel)
                        .build())));
  }

  // Contexts

  ContextView manageContext(MemoryInputs.ManageContext input) {
    return ContextView.of(context(s -> s.manage(input.proto())));
  }

  ContextView updateContext(String id, MemoryInputs.UpdateContext input) {
    return ContextView.of(context(s -> s.update(input.proto(id))));
  }

  ContextView context(String id, Long version) {
    GetContextRequest.Builder request = GetContextRequest.newBuilder().setId(id);
    if (version != null) {
      request.setVersion(version);
    }
    return ContextView.of(context(s -> s.get(request.build())));
  }

  ContextPage contexts(Scope scope, String kind, Integer first, String after) {
    ListContextsResponse page =
        context(
            s ->
                s.list(
                    ListContextsRequest.newBuilder()
                        .setScope(Scope.proto(scope))
                        .setKind(kind == null ? "" : kind)
                        .setPage(MemoryInputs.page(first, after))
                        .build()));
    return new ContextPage(page.getContextsList().stream().map(ContextView::of).toList(), Page.of(page.getPageInfo()));
  }

  ContextPage contextVersions(String id, Integer first, String after) {
    ListContextVersionsResponse page =
        context(
            s ->
                s.listVersions(
                    ListContextVersionsRequest.newBuilder().setId(id).setPage(MemoryInputs.page(first, after)).build()));
    return new ContextPage(page.getVersionsList().stream().map(ContextView::of).toList(), Page.of(page.getPageInfo()));
  }

  Deleted deleteContext(String id, Long expectedVersion) {
    DeleteContextRequest.Builder request = DeleteContextRequest.newBuilder().setId(id);
    if (expectedVersion != null) {
      request.setExpectedVersion(expectedVersion);
    }
    DeleteContextResponse deleted = context(s -> s.delete(request.build()));
    return new Deleted(deleted.getId(), MemoryViews.instant(deleted.getDeletedAt()));
  }
}
