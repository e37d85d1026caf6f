package dev.nerve.learning.patterns;

import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.DeletePatternRequest;
import dev.nerve.api.learning.v1.DeletePatternResponse;
import dev.nerve.api.learning.v1.GetMiningJobRequest;
import dev.nerve.api.learning.v1.GetPatternRequest;
import dev.nerve.api.learning.v1.IdentifyPatternsRequest;
import dev.nerve.api.learning.v1.IdentifyPatternsResponse;
import dev.nerve.api.learning.v1.ListPatternsRequest;
import dev.nerve.api.learning.v1.ListPatternsResponse;
import dev.nerve.api.learning.v1.MiningJob;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.api.learning.v1.PatternKind;
import dev.nerve.api.learning.v1.PatternServiceGrpc;
import dev.nerve.api.learning.v1.RetrievePatternsRequest;
import dev.nerve.api.learning.v1.RetrievePatternsResponse;
import dev.nerve.api.learning.v1.StorePatternRequest;
import dev.nerve.api.learning.v1.SuggestWorkflowRequest;
import dev.nerve.api.learning.v1.SuggestWorkflowResponse;
import dev.nerve.learning.support.Callers;
import dev.nerve.learning.support.Inputs;
import dev.nerve.learning.support.PageCursor;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** gRPC adapter for {@code learning.patterns}: validates, scopes to the caller, delegates. */
final class PatternGrpcService extends PatternServiceGrpc.PatternServiceImplBase {

  private final Identification identification;
  private final PatternRepository repository;
  private final MiningJobs jobs;

  PatternGrpcService(Identification identification, PatternRepository repository, MiningJobs jobs) {
    this.identification = identification;
    this.repository = repository;
    this.jobs = jobs;
  }

  @Override
  public void identify(IdentifyPatternsRequest request, StreamObserver<IdentifyPatternsResponse> response) {
    Identity caller = Callers.current();
    MiningSettings.of(request.getParams(), identification.limits().maxPatterns()); // bad parameters fail now
    int maxItems = identification.limits().maxItems();
    int syncItems = identification.limits().syncMaxItems();
    if (request.getDataCase() == IdentifyPatternsRequest.DataCase.DATA_NOT_SET) {
      throw NerveException.invalid("data", "required", "must give transactions, sequences, events, raw or activity");
    }
    List<ActivityEvent> events = List.of();
    Identification.Window window = null;
    boolean background;
    if (request.getDataCase() == IdentifyPatternsRequest.DataCase.ACTIVITY) {
      var w = request.getActivity();
      String user;
      if (w.getWholeTenant()) {
        Callers.requireAdmin(caller, "mining the whole tenant's activity");
        user = null;
      } else {
        user = Callers.user(caller, "activity.userId", w.getUserId(), "mining the activity");
      }
      window = Identification.window(caller.tenantId(), user, w);
      events = identification.events(window, syncItems + 1);
      background = events.size() > syncItems;
    } else {
      long size = MiningInput.declaredSize(request);
      if (size > maxItems) {
        throw NerveException.invalid("data", "max", "holds " + size + " items; at most " + maxItems + " can be mined");
      }
      background = size > syncItems;
    }
    // Patterns of a user's window belong to that user; of the whole tenant, to the caller.
    String owner = window != null && window.userId() != null ? window.userId() : caller.userId();
    if (background) {
      IdentifyPatternsRequest queued = request;
      if (window != null && window.userId() != null) {
        queued = request.toBuilder().setActivity(request.getActivity().toBuilder().setUserId(window.userId())).build();
      }
      respond(response, IdentifyPatternsResponse.newBuilder().setJob(jobs.submit(caller.tenantId(), owner, queued)).build());
      return;
    }
    respond(
        response,
        IdentifyPatternsResponse.newBuilder()
            .addAllPatterns(identification.run(caller.tenantId(), owner, request, events, window))
            .build());
  }

  @Override
  public void store(StorePatternRequest request, StreamObserver<Pattern> response) {
    Identity caller = Callers.current();
    if (!request.hasPattern()) {
      throw NerveException.invalid("pattern", "required", "must be set");
    }
    Pattern p = request.getPattern();
    if (p.getKind() == PatternKind.PATTERN_KIND_UNSPECIFIED || p.getKind() == PatternKind.UNRECOGNIZED) {
      throw NerveException.invalid("pattern.kind", "required", "must be a pattern kind");
    }
    if (p.getElementsCount() == 0 || p.getElementsCount() > 20) {
      throw NerveException.invalid("pattern.elements", "range", "must hold 1 to 20 elements");
    }
    for (int i = 0; i < p.getElementsCount(); i++) {
      Inputs.id("pattern.elements[" + i + "].eventType", p.getElements(i).getEventType());
    }
    Inputs.text("pattern.description", p.getDescription(), 2000);
    Inputs.range("pattern.support", p.getSupport(), 0, 1);
    Inputs.range("pattern.confidence", p.getConfidence(), 0, 1);
    Inputs.range("pattern.score", p.getScore(), 0, 1);
    if (p.getAntecedentSize() < 0 || p.getAntecedentSize() >= Math.max(1, p.getElementsCount())) {
      throw NerveException.invalid("pattern.antecedentSize", "range", "must leave at least one element for the consequent");
    }
    if (p.getSerializedSize() > 64 * 1024) {
      throw NerveException.invalid("pattern", "maxBytes", "must be at most 64 KiB");
    }
    if (!p.getId().isEmpty() && PatternRepository.uuid(p.getId()) == null) {
      throw NerveException.notFound("pattern", p.getId());
    }
    respond(response, repository.store(caller.tenantId(), caller.userId(), p));
  }

  @Override
  public void retrieve(RetrievePatternsRequest request, StreamObserver<RetrievePatternsResponse> response) {
    Identity caller = Callers.current();
    Inputs.text("query", request.getQuery(), 500);
    int size = Inputs.pageSize("page.pageSize", request.getPage().getPageSize(), 20, 500);
    Double afterScore = null;
    String afterId = null;
    if (request.hasPage() && !request.getPage().getCursor().isEmpty()) {
      PageCursor cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 2);
      afterScore = cursor.decimal("page.cursor", 0);
      afterId = cursor.part(1);
    }
    List<String> words = Arrays.stream(request.getQuery().trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    PatternRepository.Search search =
        new PatternRepository.Search(
            words,
            request.getKindsList(),
            request.getItemsList(),
            Inputs.range("minConfidence", request.getMinConfidence(), 0, 1),
            Inputs.range("minScore", request.getMinScore(), 0, 1));
    List<Pattern> page = repository.search(caller.tenantId(), caller.userId(), search, afterScore, afterId, size + 1);
    boolean more = page.size() > size;
    List<Pattern> shown = more ? page.subList(0, size) : page;
    PageInfo info = PageCursor.info(shown, more && request.hasPage(), p -> PageCursor.of(Double.toString(p.getScore()), p.getId()));
    respond(response, RetrievePatternsResponse.newBuilder().addAllPatterns(shown).setPageInfo(info).build());
  }

  @Override
  public void get(GetPatternRequest request, StreamObserver<Pattern> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    respond(response, repository.get(caller.tenantId(), caller.userId(), id).orElseThrow(() -> NerveException.notFound("pattern", id)));
  }

  @Override
  public void list(ListPatternsRequest request, StreamObserver<ListPatternsResponse> response) {
    Identity caller = Callers.current();
    int size = Inputs.pageSize("page.pageSize", request.getPage().getPageSize(), 50, 500);
    Instant afterSeen = null;
    String afterId = null;
    if (!request.getPage().getCursor().isEmpty()) {
      PageCursor cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 2);
      afterSeen = Instant.EPOCH.plusNanos(cursor.number("page.cursor", 0) * 1000);
      afterId = cursor.part(1);
    }
    List<Pattern> page = repository.list(caller.tenantId(), caller.userId(), request.getKind(), afterSeen, afterId, size + 1);
    boolean more = page.size() > size;
    List<Pattern> shown = more ? page.subList(0, size) : page;
    PageInfo info =
        PageCursor.info(
            shown,
            more,
            p -> {
              Instant seen = p.hasLastSeen() ? Times.micros(Times.instant(p.getLastSeen())) : Times.instant(p.getUpdatedAt());
              return PageCursor.of(Long.toString(seen.getEpochSecond() * 1_000_000 + seen.getNano() / 1000), p.getId());
            });
    respond(response, ListPatternsResponse.newBuilder().addAllPatterns(shown).setPageInfo(info).build());
  }

  @Override
  public void delete(DeletePatternRequest request, StreamObserver<DeletePatternResponse> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    if (!repository.delete(caller.tenantId(), caller.userId(), id)) {
      throw NerveException.notFound("pattern", id);
    }
    respond(response, DeletePatternResponse.newBuilder().setId(id).setDeletedAt(Times.proto(Times.now())).build());
  }

  @Override
  public void getMiningJob(GetMiningJobRequest request, StreamObserver<MiningJob> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("id", request.getId());
    respond(response, jobs.get(caller.tenantId(), caller.userId(), id).orElseThrow(() -> NerveException.notFound("mining job", id)));
  }

  @Override
  public void suggestWorkflow(SuggestWorkflowRequest request, StreamObserver<SuggestWorkflowResponse> response) {
    Identity caller = Callers.current();
    String id = Inputs.id("patternId", request.getPatternId());
    Inputs.text("name", request.getName(), 200);
    double minSupport =
        request.getMinSupport() == 0
            ? identification.limits().suggestMinSupport()
            : Inputs.range("minSupport", request.getMinSupport(), 0, 1);
    Pattern pattern = repository.get(caller.tenantId(), caller.userId(), id).orElseThrow(() -> NerveException.notFound("pattern", id));
    if (pattern.getKind() != PatternKind.PATTERN_KIND_SEQUENCE) {
      throw new NerveException(ErrorCode.FAILED_PRECONDITION, "only SEQUENCE patterns become workflows; this one is " + pattern.getKind().name());
    }
    if (pattern.getSupport() + 1e-12 < minSupport) {
      throw new NerveException(
          ErrorCode.FAILED_PRECONDITION, "the pattern's support " + pattern.getSupport() + " is below " + minSupport);
    }
    respond(
        response,
        SuggestWorkflowResponse.newBuilder().setDraft(WorkflowDrafts.draft(pattern, request.getName())).setPattern(pattern).build());
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
