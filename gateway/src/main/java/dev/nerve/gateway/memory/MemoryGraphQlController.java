package dev.nerve.gateway.memory;

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
import dev.nerve.gateway.memory.MemoryViews.Rebuilt;
import dev.nerve.gateway.memory.MemoryViews.Scope;
import dev.nerve.gateway.memory.MemoryViews.SearchPage;
import dev.nerve.gateway.memory.MemoryViews.StoreResult;
import dev.nerve.platform.identity.IdentityContext;
import java.util.List;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.MutationMapping;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.data.method.annotation.SubscriptionMapping;
import org.springframework.stereotype.Controller;
import reactor.core.publisher.Flux;

/** GraphQL for the memory system: namespaced queries and {@code memory*} mutations. */
@Controller
class MemoryGraphQlController {

  /** Marker of the {@code memory} namespace. */
  record MemoryNamespace() {}

  /** Marker of {@code memory.shortTerm}. */
  record ShortTermNamespace() {}

  /** Marker of {@code memory.longTerm}. */
  record LongTermNamespace() {}

  /** Marker of {@code memory.context}. */
  record ContextNamespace() {}

  private final MemoryApi api;
  private final MemoryEventStream events;

  MemoryGraphQlController(MemoryApi api, MemoryEventStream events) {
    this.api = api;
    this.events = events;
  }

  /** Live changes of the caller's memories and contexts. */
  @SubscriptionMapping
  Flux<MemoryEventStream.Event> memoryEvents(@Argument List<String> types) {
    return events.events(IdentityContext.require(), types);
  }

  @QueryMapping
  MemoryNamespace memory() {
    return new MemoryNamespace();
  }

  @SchemaMapping(typeName = "MemoryQuery")
  ShortTermNamespace shortTerm(MemoryNamespace memory) {
    return new ShortTermNamespace();
  }

  @SchemaMapping(typeName = "MemoryQuery")
  LongTermNamespace longTerm(MemoryNamespace memory) {
    return new LongTermNamespace();
  }

  @SchemaMapping(typeName = "MemoryQuery")
  ContextNamespace context(MemoryNamespace memory) {
    return new ContextNamespace();
  }

  @SchemaMapping(typeName = "ShortTermQuery", field = "retrieve")
  List<ItemHit> retrieveItems(
      ShortTermNamespace ns, @Argument String query, @Argument Scope scope, @Argument Integer limit) {
    return api.retrieveItems(scope, query, limit);
  }

  @SchemaMapping(typeName = "LongTermQuery", field = "retrieve")
  List<Hit> retrieveMemories(
      LongTermNamespace ns, @Argument String query, @Argument Scope scope, @Argument Integer limit) {
    return api.retrieveMemories(query, scope, limit);
  }

  @SchemaMapping(typeName = "LongTermQuery")
  SearchPage search(LongTermNamespace ns, @Argument MemoryInputs.Search params) {
    return api.search(params);
  }

  @SchemaMapping(typeName = "LongTermQuery", field = "get")
  MemoryView getMemory(LongTermNamespace ns, @Argument String id, @Argument Long version) {
    return api.memory(id, version);
  }

  @SchemaMapping(typeName = "LongTermQuery", field = "list")
  MemoryPage listMemories(
      LongTermNamespace ns,
      @Argument Scope scope,
      @Argument List<String> tagsAny,
      @Argument Boolean includeExpired,
      @Argument Integer first,
      @Argument String after) {
    return api.memories(scope, tagsAny, includeExpired, first, after);
  }

  @SchemaMapping(typeName = "LongTermQuery", field = "versions")
  MemoryPage memoryVersions(LongTermNamespace ns, @Argument String id, @Argument Integer first, @Argument String after) {
    return api.memoryVersions(id, first, after);
  }

  @SchemaMapping(typeName = "ContextQuery", field = "get")
  ContextView getContext(ContextNamespace ns, @Argument String id, @Argument Long version) {
    return api.context(id, version);
  }

  @SchemaMapping(typeName = "ContextQuery", field = "list")
  ContextPage listContexts(
      ContextNamespace ns, @Argument Scope scope, @Argument String kind, @Argument Integer first, @Argument String after) {
    return api.contexts(scope, kind, first, after);
  }

  @SchemaMapping(typeName = "ContextQuery", field = "versions")
  ContextPage contextVersions(ContextNamespace ns, @Argument String id, @Argument Integer first, @Argument String after) {
    return api.contextVersions(id, first, after);
  }

  @MutationMapping
  Item memoryShortTermStore(@Argument MemoryInputs.StoreItem input) {
    return api.storeItem(input);
  }

  @MutationMapping
  ClearResult memoryShortTermClear(@Argument Scope scope, @Argument Boolean promote) {
    return api.clearItems(scope, promote);
  }

  @MutationMapping
  StoreResult memoryLongTermStore(@Argument MemoryInputs.StoreMemory input) {
    return api.storeMemory(input);
  }

  @MutationMapping
  MemoryView memoryLongTermUpdate(@Argument String id, @Argument MemoryInputs.UpdateMemory input) {
    return api.updateMemory(id, input);
  }

  @MutationMapping
  Deleted memoryLongTermDelete(@Argument String id, @Argument Long expectedVersion) {
    return api.deleteMemory(id, expectedVersion);
  }

  @MutationMapping
  Forgotten memoryLongTermForgetUser(@Argument String userId) {
    return api.forgetUser(userId);
  }

  @MutationMapping
  Rebuilt memoryLongTermRebuildIndex(
      @Argument Boolean keyword, @Argument Boolean vector, @Argument String embeddingModel) {
    return api.rebuildIndex(keyword, vector, embeddingModel);
  }

  @MutationMapping
  ContextView memoryContextManage(@Argument MemoryInputs.ManageContext input) {
    return api.manageContext(input);
  }

  @MutationMapping
  ContextView memoryContextUpdate(@Argument String id, @Argument Object patch, @Argument Long expectedVersion) {
    return api.updateContext(id, new MemoryInputs.UpdateContext(patch, expectedVersion));
  }

  @MutationMapping
  Deleted memoryContextDelete(@Argument String id, @Argument Long expectedVersion) {
    return api.deleteContext(id, expectedVersion);
  }
}
