package dev.nerve.learning.activity;

import com.google.protobuf.Struct;
import dev.nerve.api.common.v1.PageInfo;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ActivityServiceGrpc;
import dev.nerve.api.learning.v1.ForgetLearningUserRequest;
import dev.nerve.api.learning.v1.ForgetLearningUserResponse;
import dev.nerve.api.learning.v1.ListActivitiesRequest;
import dev.nerve.api.learning.v1.ListActivitiesResponse;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.api.learning.v1.RecordActivitiesResponse;
import dev.nerve.api.learning.v1.RecordActivityRequest;
import dev.nerve.learning.support.Callers;
import dev.nerve.learning.support.Inputs;
import dev.nerve.learning.support.Json;
import dev.nerve.learning.support.PageCursor;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.FieldViolation;
import dev.nerve.platform.error.NerveException;
import dev.nerve.platform.identity.Identity;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** gRPC adapter for the activity stream: validates, scopes to the caller's tenant, delegates. */
final class ActivityGrpcService extends ActivityServiceGrpc.ActivityServiceImplBase {

  /** Largest attributes object, as compact JSON. */
  static final int MAX_ATTRIBUTES_BYTES = 8192;

  private final ActivityRepository repository;
  private final ActivityIntake intake;
  private final LearningUserEraser eraser;
  private final int maxBatch;

  ActivityGrpcService(ActivityRepository repository, ActivityIntake intake, LearningUserEraser eraser, int maxBatch) {
    this.repository = repository;
    this.intake = intake;
    this.eraser = eraser;
    this.maxBatch = maxBatch;
  }

  @Override
  public void recordActivity(RecordActivityRequest request, StreamObserver<ActivityEvent> response) {
    Identity caller = Callers.current();
    if (!request.hasEvent()) {
      throw NerveException.invalid("event", "required", "must be set");
    }
    ActivityEvent event = normalized(caller, "event", request.getEvent());
    ActivityIntake.Outcome outcome = intake.record(caller.tenantId(), List.of(event));
    // A dropped event (its user forgotten after it happened) is answered as sent, never stored.
    respond(response, outcome.dropped() > 0 ? event : repository.get(caller.tenantId(), event.getId()).orElseThrow());
  }

  @Override
  public void recordActivities(RecordActivitiesRequest request, StreamObserver<RecordActivitiesResponse> response) {
    Identity caller = Callers.current();
    if (request.getEventsCount() == 0) {
      throw NerveException.invalid("events", "required", "must hold at least one event");
    }
    if (request.getEventsCount() > maxBatch) {
      throw NerveException.invalid("events", "max", "must hold at most " + maxBatch + " events");
    }
    List<ActivityEvent> events = new ArrayList<>();
    for (int i = 0; i < request.getEventsCount(); i++) {
      events.add(normalized(caller, "events[" + i + "]", request.getEvents(i)));
    }
    ActivityIntake.Outcome outcome = intake.record(caller.tenantId(), events);
    respond(
        response,
        RecordActivitiesResponse.newBuilder()
            .setRecorded(outcome.recorded())
            .setDuplicates(outcome.duplicates())
            .setDropped(outcome.dropped())
            .build());
  }

  @Override
  public void listActivities(ListActivitiesRequest request, StreamObserver<ListActivitiesResponse> response) {
    Identity caller = Callers.current();
    String user = Callers.user(caller, "userId", request.getUserId(), "reading the activity");
    int size = Inputs.pageSize("page.pageSize", request.getPage().getPageSize(), 50, 500);
    Instant afterTime = null;
    String afterId = null;
    if (!request.getPage().getCursor().isEmpty()) {
      PageCursor cursor = PageCursor.decode("page.cursor", request.getPage().getCursor(), 2);
      afterTime = Instant.ofEpochSecond(0, 0).plusNanos(cursor.number("page.cursor", 0) * 1000);
      afterId = cursor.part(1);
    }
    List<ActivityEvent> page =
        repository.page(
            caller.tenantId(),
            user,
            request.getTypesList(),
            request.hasSince() ? Times.instant(request.getSince()) : null,
            request.hasUntil() ? Times.instant(request.getUntil()) : null,
            afterTime,
            afterId,
            size + 1);
    boolean more = page.size() > size;
    List<ActivityEvent> shown = more ? page.subList(0, size) : page;
    PageInfo info =
        PageCursor.info(
            shown,
            more,
            event -> {
              Instant at = Times.instant(event.getOccurredAt());
              long micros = at.getEpochSecond() * 1_000_000 + at.getNano() / 1000;
              return PageCursor.of(Long.toString(micros), event.getId());
            });
    respond(response, ListActivitiesResponse.newBuilder().addAllEvents(shown).setPageInfo(info).build());
  }

  @Override
  public void forgetUser(ForgetLearningUserRequest request, StreamObserver<ForgetLearningUserResponse> response) {
    Identity caller = Callers.current();
    if (request.getUserId().isEmpty()) {
      throw NerveException.invalid("userId", "required", "must name the user to forget");
    }
    String user = Callers.user(caller, "userId", request.getUserId(), "forgetting the learning data");
    respond(response, eraser.forget(caller.tenantId(), user));
  }

  /** The event as stored: user defaulted to the caller, time to now; other users need admin. */
  private static ActivityEvent normalized(Identity caller, String field, ActivityEvent event) {
    List<FieldViolation> violations = new ArrayList<>();
    check(violations, field + ".id", event.getId(), true);
    check(violations, field + ".type", event.getType(), true);
    check(violations, field + ".userId", event.getUserId(), false);
    check(violations, field + ".operation", event.getOperation(), false);
    check(violations, field + ".outcome", event.getOutcome(), false);
    check(violations, field + ".source", event.getSource(), false);
    check(violations, field + ".sessionId", event.getSessionId(), false);
    Struct attributes = event.getAttributes();
    if (Json.print(attributes).getBytes(StandardCharsets.UTF_8).length > MAX_ATTRIBUTES_BYTES) {
      violations.add(new FieldViolation(field + ".attributes", "maxBytes", "must be at most " + MAX_ATTRIBUTES_BYTES + " bytes as JSON"));
    }
    if (!violations.isEmpty()) {
      throw NerveException.invalid(violations);
    }
    ActivityEvent.Builder normalized = event.toBuilder().clearRecordedAt();
    if (normalized.getUserId().isEmpty()) {
      normalized.setUserId(caller.userId());
    }
    Callers.user(caller, field + ".userId", normalized.getUserId(), "recording the activity");
    if (!normalized.hasOccurredAt()) {
      normalized.setOccurredAt(Times.proto(Times.now()));
    }
    return normalized.build();
  }

  private static void check(List<FieldViolation> violations, String field, String value, boolean required) {
    try {
      if (required) {
        Inputs.id(field, value);
      } else {
        Inputs.text(field, value, Inputs.MAX_ID_CHARS);
      }
    } catch (NerveException e) {
      violations.addAll(e.violations());
    }
  }

  private static <T> void respond(StreamObserver<T> response, T value) {
    response.onNext(value);
    response.onCompleted();
  }
}
