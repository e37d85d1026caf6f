package dev.nerve.learning.activity;

import static dev.nerve.learning.LearningTests.activity;
import static dev.nerve.learning.LearningTests.admin;
import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.fails;
import static dev.nerve.learning.LearningTests.freshTenant;
import static dev.nerve.learning.LearningTests.patterns;
import static dev.nerve.learning.LearningTests.preferences;
import static dev.nerve.learning.LearningTests.user;
import static dev.nerve.learning.LearningTests.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import dev.nerve.api.common.v1.PageRequest;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ForgetLearningUserRequest;
import dev.nerve.api.learning.v1.ForgetLearningUserResponse;
import dev.nerve.api.learning.v1.GetPreferencesRequest;
import dev.nerve.api.learning.v1.ListActivitiesRequest;
import dev.nerve.api.learning.v1.ListActivitiesResponse;
import dev.nerve.api.learning.v1.ListPatternsRequest;
import dev.nerve.api.learning.v1.LearnPreferencesRequest;
import dev.nerve.api.learning.v1.Pattern;
import dev.nerve.api.learning.v1.PatternElement;
import dev.nerve.api.learning.v1.PatternKind;
import dev.nerve.api.learning.v1.PreferenceSignal;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.api.learning.v1.RecordActivitiesResponse;
import dev.nerve.api.learning.v1.RecordActivityRequest;
import dev.nerve.api.learning.v1.StorePatternRequest;
import dev.nerve.learning.LearningTestApplication;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The activity stream: recording (idempotent), listing, permissions, tenants and forgetting a user. */
@SpringBootTest(classes = LearningTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
  "nerve.targets=learning", "nerve.grpc.default-deadline=60s", "nerve.learning.jobs.poll-interval=200ms",
  "nerve.learning.jobs.heartbeat-interval=1s", "nerve.learning.patterns.sync-max-items=500", "nerve.learning.patterns.max-items=5000",
  "nerve.learning.models.max-predict-batch=100", "nerve.learning.models.max-training-rows=5000"
})
class ActivityIT {

  @Autowired ChannelFactory channels;

  static ActivityEvent event(String type, Instant at) {
    return ActivityEvent.newBuilder().setId(UUID.randomUUID().toString()).setType(type).setOccurredAt(Times.proto(at)).build();
  }

  @Test
  void recordingTheSameEventIdTwiceRecordsItOnce() {
    Identity alice = user(freshTenant(), "alice");
    ActivityEvent event = event("app.opened", Instant.parse("2026-03-02T08:00:00Z")).toBuilder().setOperation("open").setOutcome("OK").build();
    ActivityEvent first = as(alice, () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder().setEvent(event).build()));
    assertThat(first.getUserId()).isEqualTo("alice");
    assertThat(first.hasRecordedAt()).isTrue();
    ActivityEvent again =
        as(alice, () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder().setEvent(event.toBuilder().setType("other")).build()));
    assertThat(again).isEqualTo(first);
    RecordActivitiesResponse batch =
        as(alice, () -> activity(channels).recordActivities(
            RecordActivitiesRequest.newBuilder().addEvents(event).addEvents(event("app.closed", Instant.parse("2026-03-02T08:05:00Z"))).build()));
    assertThat(batch.getRecorded()).isEqualTo(1);
    assertThat(batch.getDuplicates()).isEqualTo(1);
  }

  @Test
  void listsNewestFirstAPageAtATime() {
    Identity alice = user(freshTenant(), "alice");
    List<ActivityEvent> events = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      events.add(event("step", Instant.parse("2026-03-02T08:00:00Z").plusSeconds(60L * i)));
    }
    as(alice, () -> activity(channels).recordActivities(RecordActivitiesRequest.newBuilder().addAllEvents(events).build()));
    Set<String> seen = new HashSet<>();
    String cursor = "";
    Instant previous = Instant.MAX;
    do {
      String c = cursor;
      ListActivitiesResponse page =
          as(alice, () -> activity(channels).listActivities(
              ListActivitiesRequest.newBuilder().setPage(PageRequest.newBuilder().setPageSize(3).setCursor(c)).build()));
      for (ActivityEvent e : page.getEventsList()) {
        assertThat(seen.add(e.getId())).isTrue();
        assertThat(Times.instant(e.getOccurredAt())).isBefore(previous);
        previous = Times.instant(e.getOccurredAt());
      }
      cursor = page.getPageInfo().getNextCursor();
    } while (!cursor.isEmpty());
    assertThat(seen).hasSize(7);
  }

  @Test
  void anotherUsersActivityNeedsTheAdminRoleAndTenantsDoNotMix() {
    String tenant = freshTenant();
    Identity alice = user(tenant, "alice");
    ActivityEvent forBob = event("x", Instant.now()).toBuilder().setUserId("bob").build();
    fails(() -> as(alice, () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder().setEvent(forBob).build())),
        ErrorCode.PERMISSION_DENIED, null);
    as(admin(tenant, "root"), () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder().setEvent(forBob).build()));
    fails(() -> as(alice, () -> activity(channels).listActivities(ListActivitiesRequest.newBuilder().setUserId("bob").build())),
        ErrorCode.PERMISSION_DENIED, null);
    assertThat(as(admin(tenant, "root"), () -> activity(channels).listActivities(ListActivitiesRequest.newBuilder().setUserId("bob").build()))
            .getEventsList())
        .hasSize(1);
    // Bob of another tenant sees nothing of this tenant's Bob.
    assertThat(as(user(freshTenant(), "bob"), () -> activity(channels).listActivities(ListActivitiesRequest.getDefaultInstance())).getEventsList())
        .isEmpty();
    // A viewer may read but not write.
    fails(() -> as(viewer(tenant, "carol"), () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder().setEvent(event("y", Instant.now())).build())),
        ErrorCode.PERMISSION_DENIED, null);
  }

  @Test
  void badEventsNameTheirFields() {
    Identity alice = user(freshTenant(), "alice");
    fails(() -> as(alice, () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder()
            .setEvent(ActivityEvent.newBuilder().setType("x")).build())), ErrorCode.INVALID_ARGUMENT, "event.id");
    fails(() -> as(alice, () -> activity(channels).recordActivities(RecordActivitiesRequest.getDefaultInstance())),
        ErrorCode.INVALID_ARGUMENT, "events");
    RecordActivitiesRequest.Builder tooMany = RecordActivitiesRequest.newBuilder();
    for (int i = 0; i < 1001; i++) {
      tooMany.addEvents(event("x", Instant.now()));
    }
    fails(() -> as(alice, () -> activity(channels).recordActivities(tooMany.build())), ErrorCode.INVALID_ARGUMENT, "events");
    fails(() -> as(alice, () -> activity(channels).recordActivities(RecordActivitiesRequest.newBuilder()
            .addEvents(event("x", Instant.now())).addEvents(event("", Instant.now())).build())), ErrorCode.INVALID_ARGUMENT, "events[1].type");
  }

  @Test
  void forgettingAUserErasesTheirActivityPatternsAndPreferencesOnly() {
    String tenant = freshTenant();
    Identity alice = user(tenant, "alice");
    Identity bob = user(tenant, "bob");
    for (Identity who : List.of(alice, bob)) {
      as(who, () -> activity(channels).recordActivity(RecordActivityRequest.newBuilder().setEvent(event("x", Instant.now())).build()));
      as(who, () -> patterns(channels).store(StorePatternRequest.newBuilder().setPattern(Pattern.newBuilder()
          .setKind(PatternKind.PATTERN_KIND_SEQUENCE).setDescription("a then b").setScore(0.5)
          .addElements(PatternElement.newBuilder().setEventType("a")).addElements(PatternElement.newBuilder().setEventType("b"))).build()));
      as(who, () -> preferences(channels).learn(LearnPreferencesRequest.newBuilder()
          .addSignals(PreferenceSignal.newBuilder().setKey("ui.theme").setValue(Value.newBuilder().setStringValue("dark"))).build()));
    }
    fails(() -> as(bob, () -> activity(channels).forgetUser(ForgetLearningUserRequest.newBuilder().setUserId("alice").build())),
        ErrorCode.PERMISSION_DENIED, null);
    ForgetLearningUserResponse forgotten =
        as(admin(tenant, "root"), () -> activity(channels).forgetUser(ForgetLearningUserRequest.newBuilder().setUserId("alice").build()));
    assertThat(forgotten.getActivitiesDeleted()).isEqualTo(1);
    assertThat(forgotten.getPatternsDeleted()).isEqualTo(1);
    assertThat(forgotten.getPreferencesDeleted()).isEqualTo(1);
    assertThat(as(alice, () -> activity(channels).listActivities(ListActivitiesRequest.getDefaultInstance())).getEventsList()).isEmpty();
    assertThat(as(alice, () -> patterns(channels).list(ListPatternsRequest.getDefaultInstance())).getPatternsList()).isEmpty();
    assertThat(as(alice, () -> preferences(channels).get(GetPreferencesRequest.getDefaultInstance())).getPreferencesList()).isEmpty();
    // Bob keeps everything.
    assertThat(as(bob, () -> activity(channels).listActivities(ListActivitiesRequest.getDefaultInstance())).getEventsList()).hasSize(1);
    assertThat(as(bob, () -> patterns(channels).list(ListPatternsRequest.getDefaultInstance())).getPatternsList()).hasSize(1);
    assertThat(as(bob, () -> preferences(channels).get(GetPreferencesRequest.getDefaultInstance())).getPreferencesList()).hasSize(1);
    // A user may forget themselves.
    assertThat(as(bob, () -> activity(channels).forgetUser(ForgetLearningUserRequest.newBuilder().setUserId("bob").build())).getActivitiesDeleted())
        .isEqualTo(1);
  }
}
