package dev.nerve.memory.longterm;

import dev.nerve.api.memory.v1.DeleteMemoryRequest;
import dev.nerve.api.memory.v1.DeleteMemoryResponse;
import dev.nerve.api.memory.v1.ForgetUserRequest;
import dev.nerve.api.memory.v1.ForgetUserResponse;
import dev.nerve.api.memory.v1.GetMemoryRequest;
import dev.nerve.api.memory.v1.ListMemoriesRequest;
import dev.nerve.api.memory.v1.ListMemoriesResponse;
import dev.nerve.api.memory.v1.ListMemoryVersionsRequest;
import dev.nerve.api.memory.v1.ListMemoryVersionsResponse;
import dev.nerve.api.memory.v1.LongTermMemoryServiceGrpc;
import dev.nerve.api.memory.v1.Memory;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.RebuildMemoryIndexRequest;
import dev.nerve.api.memory.v1.RebuildMemoryIndexResponse;
import dev.nerve.api.memory.v1.RetrieveMemoriesRequest;
import dev.nerve.api.memory.v1.RetrieveMemoriesResponse;
import dev.nerve.api.memory.v1.SearchMemoriesRequest;
import dev.nerve.api.memory.v1.SearchResult;
import dev.nerve.api.memory.v1.StoreMemoryRequest;
import dev.nerve.api.memory.v1.StoreMemoryResponse;
import dev.nerve.api.memory.v1.StoreOutcome;
import dev.nerve.api.memory.v1.UpdateMemoryRequest;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.PageCursor;
import dev.nerve.memory.support.Paged;
import dev.nerve.memory.support.Times;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.stub.StreamObserver;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** gRPC adapter for {@code memory.longTerm}: validates, scopes to the caller, delegates. */
final class LongTermGrpcService extends LongTermMemoryServiceGrpc.LongTermMemoryServiceImplBase {

  /** Role that may forget other users and rebuild indexes. */
  static final String ADMIN = "admin";

  private final LongTermMemories memories;
  private final MemorySearch search;
  private final LongTermRequests requests;
  private final UserEraser eraser;
  private final IndexRebuilder rebuilder;

  LongTermGrpcService(
      LongTermMemories memories,
      MemorySearch search,
      LongTermRequests requests,
      UserEraser eraser,
      IndexRebuilder rebuilder) {
    this.memories = memories;
    this.search = search;
    this.requests = requests;
    this.eraser = eraser;
    this.rebuilder = rebuilder;
  }

  @Override
  public void store(StoreMemoryRequest request, StreamObserver<StoreMemoryResponse> response) {
    LongTermMemories.Draft draft = requests.draft(IdentityContext.require(), request);
    LongTermMemories.Stored stored = memories.storeAll(List.of(draft)).get(0);
    StoreMemoryResponse.Builder result =
        StoreMemoryResponse.newBuilder()
            .setMemory(stored.memory())
            .setOutcome(
                stored.deduplicated()
                    ? StoreOutcome.STORE_OUTCOME_DEDUPLICATED_UPDATED
                    : StoreOutcome.STORE_OUTCOME_CREATED);
    if (stored.deduplicated()) {
      result.setExistingMemoryId(stored.memory().getId());
    }
    respond(response, result.build());
  }

  @Override
  public void retrieve(RetrieveMemoriesRequest request, StreamObserver<RetrieveMemoriesResponse> response) {
    SearchResult result = search.search(requests.retrieve(IdentityContext.require(), request));
    respond(response, RetrieveMemoriesResponse.newBuilder().addAllHits(result.getHitsList()).build());
  }

  @Override
  public void search(SearchMemoriesRequest request, StreamObserver<SearchResult> response) {
    respond(response, search.search(requests.search(IdentityContext.require(), request)));
  }

  @Override
  public void get(GetMemoryRequest request, StreamObserver<Memory> response) {
    if (request.hasVersion() && request.getVersion() < 1) {
      throw NerveException.invalid("version", "range", "must be at least 1");
    }
    respond(
        response,
        memories.get(caller(), requiredId(request.getId()), request.hasVersion() ? request.getVersion() : null));
  }

  @Override
  public void update(UpdateMemoryRequest request, StreamObserver<Memory> response) {
    Identity identity = IdentityContext.require();
    String id = requiredId(request.getMemory().getId());
    Set<LongTermMemories.Field> fields = fields(request.getUpdateMask().getPathsList());
    Memory m = request.getMemory();
    Inputs inputs = requests.inputs();
    Owner owner =
        fields.contains(LongTermMemories.Field.SCOPE)
            ? Owner.of(identity, m.getScope(), inputs, "memory.scope")
            : Owner.of(identity, MemoryScope.getDefaultInstance(), inputs, "memory.scope");
    LongTermMemories.Draft changes =
        new LongTermMemories.Draft(
            owner,
            fields.contains(LongTermMemories.Field.TEXT) ? inputs.text("memory.text", m.getText()) : "",
            fields.contains(LongTermMemories.Field.TAGS) ? inputs.tags("memory.tags", m.getTagsList()) : List.of(),
            fields.contains(LongTermMemories.Field.SOURCE) ? inputs.label("memory.source", m.getSource()) : "",
            fields.contains(LongTermMemories.Field.IMPORTANCE)
                ? Inputs.range("memory.importance", m.getImportance(), 0, 1)
                : 0,
            fields.contains(LongTermMemories.Field.EXPIRES_AT) && m.hasExpiresAt()
                ? LongTermRequests.instant("memory.expiresAt", m.getExpiresAt())
                : null,
            fields.contains(LongTermMemories.Field.METADATA)
                ? requests.metadata("memory.metadata", m.getMetadata())
                : m.getMetadata(),
            false);
    respond(
        response,
        memories.update(
            owner, id, changes, fields, request.hasExpectedVersion() ? request.getExpectedVersion() : null));
  }

  @Override
  public void delete(DeleteMemoryRequest request, StreamObserver<DeleteMemoryResponse> response) {
    String id = requiredId(request.getId());
    var at = memories.delete(caller(), id, request.hasExpectedVersion() ? request.getExpectedVersion() : null);
    respond(response, DeleteMemoryResponse.newBuilder().setId(id).setDeletedAt(Times.proto(at)).build());
  }

  @Override
  public void list(ListMemoriesRequest request, StreamObserver<ListMemoriesResponse> response) {
    Owner scope = Owner.of(IdentityContext.require(), request.getScope(), requests.inputs(), "scope");
    List<String> tags = requests.inputs().tags("tagsAny", request.getTagsAnyList());
    int size = Inputs.limit("page.pageSize", request.getPage().getPageSize(), 50, LongTermRequests.MAX_PAGE);
    Long afterMicros = null;
    String afterId = null;
    if (!request.getPage().getCursor().isEmpty()) {
      PageCursor cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 2);
      afterMicros = cursor.number("page.cursor", 0);
      afterId = cursor.part(1);
      if (!LongTermMemories.isUuid(afterId)) {
        throw NerveException.invalid("page.cursor", "format", "is not a cursor returned by this service");
      }
    }
    Paged<Memory> page =
        Paged.of(
            memories.list(scope, tags, request.getIncludeExpired(), afterMicros, afterId, size + 1),
            size,
            m -> PageCursor.of(Long.toString(MemoryRepository.micros(Times.instant(m.getUpdatedAt()))), m.getId()));
    respond(response, ListMemoriesResponse.newBuilder().addAllMemories(page.items()).setPageInfo(page.info()).build());
  }

  @Override
  public void listVersions(
      ListMemoryVersionsRequest request, StreamObserver<ListMemoryVersionsResponse> response) {
    String id = requiredId(request.getId());
    int size = Inputs.limit("page.pageSize", request.getPage().getPageSize(), 50, LongTermRequests.MAX_PAGE);
    Long before = null;
    if (!request.getPage().getCursor().isEmpty()) {
      before = PageCursor.decode("page.cursor", request.getPage().getCursor(), 1).number("page.cursor", 0);
    }
    Paged<Memory> page =
        Paged.of(memories.versions(caller(), id, before, size + 1), size, m -> PageCursor.of(Long.toString(m.getVersion())));
    respond(response, ListMemoryVersionsResponse.newBuilder().addAllVersions(page.items()).setPageInfo(page.info()).build());
  }

  @Override
  public void forgetUser(ForgetUserRequest request, StreamObserver<ForgetUserResponse> response) {
    Identity identity = IdentityContext.require();
    String user = request.getUserId().isEmpty() ? identity.userId() : request.getUserId();
    if (!user.equals(identity.userId()) && !identity.hasRole(ADMIN)) {
      throw new NerveException(
          dev.nerve.platform.error.ErrorCode.PERMISSION_DENIED, "forgetting another user requires the admin role");
    }
    requests.inputs().label("userId", user);
    respond(response, eraser.forget(identity.tenantId(), user));
  }

  @Override
  public void rebuildIndex(
      RebuildMemoryIndexRequest request, StreamObserver<RebuildMemoryIndexResponse> response) {
    Identity identity = IdentityContext.require();
    if (!identity.hasRole(ADMIN)) {
      throw new NerveException(
          dev.nerve.platform.error.ErrorCode.PERMISSION_DENIED, "rebuilding the index requires the admin role");
    }
    respond(response, rebuilder.rebuild(identity.tenantId(), request));
  }

  private Owner caller() {
    return Owner.of(IdentityContext.require(), MemoryScope.getDefaultInstance(), requests.inputs(), "scope");
  }

  private static String requiredId(String id) {
    if (id.isEmpty()) {
      throw NerveException.invalid("id", "required", "must not be empty");
    }
    return id;
  }

  private static Set<LongTermMemories.Field> fields(List<String> paths) {
    if (paths.isEmpty()) {
      throw NerveException.invalid("updateMask", "required", "must name at least one field");
    }
    Set<LongTermMemories.Field> fields = EnumSet.noneOf(LongTermMemories.Field.class);
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i).replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
      try {
        fields.add(LongTermMemories.Field.valueOf(path.toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw NerveException.invalid(
            "updateMask.paths[" + i + "]",
            "enum",
            "must be one of text, tags, source, importance, expires_at, metadata, scope");
      }
    }
    return fields;
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
