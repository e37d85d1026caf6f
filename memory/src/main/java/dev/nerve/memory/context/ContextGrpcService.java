package dev.nerve.memory.context;

import com.google.protobuf.util.Durations;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.memory.v1.Context;
import dev.nerve.api.memory.v1.ContextServiceGrpc;
import dev.nerve.api.memory.v1.DeleteContextRequest;
import dev.nerve.api.memory.v1.DeleteContextResponse;
import dev.nerve.api.memory.v1.GetContextRequest;
import dev.nerve.api.memory.v1.ListContextVersionsRequest;
import dev.nerve.api.memory.v1.ListContextVersionsResponse;
import dev.nerve.api.memory.v1.ListContextsRequest;
import dev.nerve.api.memory.v1.ListContextsResponse;
import dev.nerve.api.memory.v1.ManageContextRequest;
import dev.nerve.api.memory.v1.MemoryScope;
import dev.nerve.api.memory.v1.UpdateContextRequest;
import dev.nerve.memory.support.Inputs;
import dev.nerve.memory.support.Owner;
import dev.nerve.memory.support.PageCursor;
import dev.nerve.memory.support.Paged;
import dev.nerve.memory.support.Times;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.IdentityContext;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** gRPC adapter for {@code memory.context}: validates, scopes to the caller, delegates. */
final class ContextGrpcService extends ContextServiceGrpc.ContextServiceImplBase {

  static final int MAX_PAGE = 500;

  private final Contexts contexts;
  private final Inputs inputs;

  ContextGrpcService(Contexts contexts, Inputs inputs) {
    this.contexts = contexts;
    this.inputs = inputs;
  }

  @Override
  public void manage(ManageContextRequest request, StreamObserver<Context> response) {
    Owner owner = Owner.of(IdentityContext.require(), request.getScope(), inputs, "scope");
    String id = inputs.optionalId("id", request.getId());
    String kind = inputs.optionalId("kind", request.getKind());
    if (request.getTokenBudget() < 0) {
      throw NerveException.invalid("tokenBudget", "range", "must not be negative");
    }
    if (request.hasTtl() && !positive(request.getTtl())) {
      throw NerveException.invalid("ttl", "range", "must be a positive duration");
    }
    if (request.hasExpectedVersion() && request.getExpectedVersion() < 0) {
      throw NerveException.invalid("expectedVersion", "range", "must not be negative");
    }
    respond(
        response,
        contexts.manage(
            owner,
            new Contexts.Draft(
                id,
                kind,
                owner.scope(),
                request.getData(),
                request.getTokenBudget(),
                request.hasTtl() ? request.getTtl() : null,
                request.hasExpectedVersion() ? request.getExpectedVersion() : null)));
  }

  @Override
  public void update(UpdateContextRequest request, StreamObserver<Context> response) {
    Owner owner = caller();
    String id = requiredId(request.getId());
    inputs.json("mergePatch", request.getMergePatch());
    respond(
        response,
        contexts.update(
            owner,
            id,
            request.getMergePatch(),
            request.hasExpectedVersion() ? request.getExpectedVersion() : null));
  }

  @Override
  public void get(GetContextRequest request, StreamObserver<Context> response) {
    Owner owner = caller();
    String id = requiredId(request.getId());
    if (request.hasVersion() && request.getVersion() < 1) {
      throw NerveException.invalid("version", "range", "must be at least 1");
    }
    respond(response, contexts.get(owner, id, request.hasVersion() ? request.getVersion() : null));
  }

  @Override
  public void list(ListContextsRequest request, StreamObserver<ListContextsResponse> response) {
    Owner owner = Owner.of(IdentityContext.require(), request.getScope(), inputs, "scope");
    String kind = inputs.optionalId("kind", request.getKind());
    int size = Inputs.limit("page.pageSize", request.getPage().getPageSize(), 50, MAX_PAGE);
    Long afterMicros = null;
    String afterId = null;
    if (!request.getPage().getCursor().isEmpty()) {
      PageCursor cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 2);
      afterMicros = cursor.number("page.cursor", 0);
      afterId = cursor.part(1);
    }
    Paged<Context> page =
        Paged.of(
            contexts.list(owner, kind, afterMicros, afterId, size + 1),
            size,
            c -> PageCursor.of(Long.toString(ContextRepository.micros(Times.instant(c.getUpdatedAt()))), c.getId()));
    respond(response, ListContextsResponse.newBuilder().addAllContexts(page.items()).setPageInfo(page.info()).build());
  }

  @Override
  public void delete(DeleteContextRequest request, StreamObserver<DeleteContextResponse> response) {
    Owner owner = caller();
    String id = requiredId(request.getId());
    var deletedAt =
        contexts.delete(owner, id, request.hasExpectedVersion() ? request.getExpectedVersion() : null);
    respond(
        response,
        DeleteContextResponse.newBuilder().setId(id).setDeletedAt(Times.proto(deletedAt)).build());
  }

  @Override
  public void listVersions(
      ListContextVersionsRequest request, StreamObserver<ListContextVersionsResponse> response) {
    Owner owner = caller();
    String id = requiredId(request.getId());
    int size = Inputs.limit("page.pageSize", request.getPage().getPageSize(), 50, MAX_PAGE);
    Long before = null;
    if (!request.getPage().getCursor().isEmpty()) {
      before = PageCursor.decode("page.cursor", request.getPage().getCursor(), 1).number("page.cursor", 0);
    }
    Paged<Context> page =
        Paged.of(contexts.versions(owner, id, before, size + 1), size, c -> PageCursor.of(Long.toString(c.getVersion())));
    respond(response, ListContextVersionsResponse.newBuilder().addAllVersions(page.items()).setPageInfo(page.info()).build());
  }

  private Owner caller() {
    return Owner.of(IdentityContext.require(), MemoryScope.getDefaultInstance(), inputs, "scope");
  }

  private String requiredId(String id) {
    if (id.isEmpty()) {
      throw NerveException.invalid("id", "required", "must not be empty");
    }
    return inputs.optionalId("id", id);
  }

  private static boolean positive(com.google.protobuf.Duration duration) {
    try {
      Durations.checkValid(duration);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return Durations.toMillis(duration) > 0;
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
