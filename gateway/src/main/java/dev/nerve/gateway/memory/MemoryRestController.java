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
import dev.nerve.gateway.validation.JsonSchema;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** REST for the memory system under {@code /api/v1/memory}. */
@RestController
@RequestMapping("/api/v1/memory")
@Tag(name = "Memory", description = "Short-term working memory, long-term memory with hybrid search, contexts")
class MemoryRestController {

  private final MemoryApi api;

  MemoryRestController(MemoryApi api) {
    this.api = api;
  }

  private static Scope scope(String agentId, String sessionId) {
    return new Scope(agentId, sessionId);
  }

  // Short-term

  @PostMapping("/short-term/{sessionId}/items")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Store a short-term item", description = "spec: memory.shortTerm.store(data). The path's session overrides the body's.")
  Item storeItem(@PathVariable String sessionId, @RequestBody MemoryInputs.StoreItem body) {
    String agent = body.scope() == null ? null : body.scope().agentId();
    return api.storeItem(new MemoryInputs.StoreItem(scope(agent, sessionId), body.text(), body.role(), body.metadata(), body.ttlSeconds()));
  }

  @GetMapping("/short-term/{sessionId}/items")
  @Operation(summary = "Retrieve short-term items", description = "spec: memory.shortTerm.retrieve(query). Ranked by relevance blended with recency; newest first without a query.")
  List<ItemHit> retrieveItems(
      @PathVariable String sessionId,
      @RequestParam(required = false) String query,
      @RequestParam(required = false) String agentId,
      @RequestParam(required = false) Integer limit) {
    return api.retrieveItems(scope(agentId, sessionId), query, limit);
  }

  @DeleteMapping("/short-term/{sessionId}/items")
  @Operation(summary = "Clear a session", description = "spec: memory.shortTerm.clear(). With promote=true the items are stored as long-term memories (with dedupe) first.")
  ClearResult clearItems(
      @PathVariable String sessionId,
      @RequestParam(required = false) String agentId,
      @RequestParam(defaultValue = "false") boolean promote) {
    return api.clearItems(scope(agentId, sessionId), promote);
  }

  // Long-term

  @PostMapping("/long-term")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Store a memory", description = "spec: memory.longTerm.store(data). A near-duplicate in the same scope refreshes the existing memory (outcome DEDUPLICATED_UPDATED).")
  StoreResult storeMemory(@RequestBody MemoryInputs.StoreMemory body) {
    return api.storeMemory(body);
  }

  @GetMapping("/long-term/retrieve")
  @Operation(summary = "Retrieve memories", description = "spec: memory.longTerm.retrieve(query). Best matches with default ranking.")
  List<Hit> retrieveMemories(
      @RequestParam String query,
      @RequestParam(required = false) String agentId,
      @RequestParam(required = false) String sessionId,
      @RequestParam(required = false) Integer limit) {
    return api.retrieveMemories(query, scope(agentId, sessionId), limit);
  }

  @PostMapping("/long-term/search")
  @Operation(summary = "Search memories", description = "spec: memory.longTerm.search(params). Hybrid BM25 + vector search fused with RRF, blended with recency and importance; filters, cursor paging, minScore and explain.")
  SearchPage search(@RequestBody MemoryInputs.Search body) {
    return api.search(body);
  }

  @GetMapping("/long-term")
  @Operation(summary = "List memories", description = "Most recently updated first, with a cursor.")
  MemoryPage listMemories(
      @RequestParam(required = false) String agentId,
      @RequestParam(required = false) String sessionId,
      @RequestParam(required = false) List<String> tag,
      @RequestParam(defaultValue = "false") boolean includeExpired,
      @RequestParam(required = false) Integer first,
      @RequestParam(required = false) String after) {
    return api.memories(scope(agentId, sessionId), tag, includeExpired, first, after);
  }

  @GetMapping("/long-term/{id}")
  @Operation(summary = "Get a memory", description = "The current version, or the given one.")
  MemoryView getMemory(@PathVariable String id, @RequestParam(required = false) Long version) {
    return api.memory(id, version);
  }

  @PatchMapping("/long-term/{id}")
  @Operation(summary = "Update a memory", description = "Changes the non-null fields as a new version; changed text is re-embedded.")
  MemoryView updateMemory(@PathVariable String id, @RequestBody MemoryInputs.UpdateMemory body) {
    return api.updateMemory(id, body);
  }

  @DeleteMapping("/long-term/{id}")
  @Operation(summary = "Delete a memory", description = "Deletes the memory and its history.")
  Deleted deleteMemory(@PathVariable String id, @RequestParam(required = false) Long expectedVersion) {
    return api.deleteMemory(id, expectedVersion);
  }

  @GetMapping("/long-term/{id}/versions")
  @Operation(summary = "List a memory's versions", description = "Newest first, with a cursor.")
  MemoryPage memoryVersions(
      @PathVariable String id, @RequestParam(required = false) Integer first, @RequestParam(required = false) String after) {
    return api.memoryVersions(id, first, after);
  }

  @DeleteMapping("/users/{userId}")
  @Operation(summary = "Forget a user", description = "Right to be forgotten: erases the user's memories, items and contexts. Another user than the caller needs the admin role.")
  Forgotten forgetUser(@PathVariable String userId) {
    return api.forgetUser(userId);
  }

  @PostMapping("/long-term/index/rebuild")
  @Operation(summary = "Rebuild the search index", description = "Admin role. Re-embeds and/or re-indexes the tenant's memories; both when neither flag is set.")
  Rebuilt rebuildIndex(
      @RequestParam(defaultValue = "false") boolean keyword,
      @RequestParam(defaultValue = "false") boolean vector,
      @RequestParam(required = false) String embeddingModel) {
    return api.rebuildIndex(keyword, vector, embeddingModel);
  }

  // Contexts

  @PutMapping("/contexts/{id}")
  @Operation(summary = "Create or replace a context", description = "spec: memory.context.manage(contextData). Replacing writes a new version.")
  ContextView manageContext(@PathVariable String id, @RequestBody MemoryInputs.ManageContext body) {
    return api.manageContext(
        new MemoryInputs.ManageContext(id, body.kind(), body.scope(), body.data(), body.tokenBudget(), body.ttlSeconds(), body.expectedVersion()));
  }

  @PostMapping("/contexts")
  @ResponseStatus(HttpStatus.CREATED)
  @Operation(summary = "Create a context with a generated id", description = "spec: memory.context.manage(contextData).")
  ContextView createContext(@RequestBody MemoryInputs.ManageContext body) {
    return api.manageContext(body);
  }

  @PatchMapping(path = "/contexts/{id}", consumes = {"application/merge-patch+json", "application/json"})
  @Operation(summary = "Patch a context", description = "spec: memory.context.update(contextId, data). The body is a JSON Merge Patch (RFC 7386); pass If-Match style optimistic locking as expectedVersion.")
  ContextView updateContext(
      @PathVariable String id,
      @RequestBody @JsonSchema("context-patch") Map<String, Object> patch,
      @RequestParam(required = false) Long expectedVersion) {
    return api.updateContext(id, new MemoryInputs.UpdateContext(patch, expectedVersion));
  }

  @GetMapping("/contexts/{id}")
  @Operation(summary = "Get a context", description = "spec: memory.context.get(contextId). Served from cache when possible.")
  ContextView getContext(@PathVariable String id, @RequestParam(required = false) Long version) {
    return api.context(id, version);
  }

  @GetMapping("/contexts")
  @Operation(summary = "List contexts", description = "Unexpired contexts, most recently updated first, with a cursor.")
  ContextPage listContexts(
      @RequestParam(required = false) String agentId,
      @RequestParam(required = false) String sessionId,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) Integer first,
      @RequestParam(required = false) String after) {
    return api.contexts(scope(agentId, sessionId), kind, first, after);
  }

  @GetMapping("/contexts/{id}/versions")
  @Operation(summary = "List a context's versions", description = "Newest first, with a cursor.")
  ContextPage contextVersions(
      @PathVariable String id, @RequestParam(required = false) Integer first, @RequestParam(required = false) String after) {
    return api.contextVersions(id, first, after);
  }

  @DeleteMapping("/contexts/{id}")
  @Operation(summary = "Delete a context", description = "Deletes the context and its history.")
  Deleted deleteContext(@PathVariable String id, @RequestParam(required = false) Long expectedVersion) {
    return api.deleteContext(id, expectedVersion);
  }
}
