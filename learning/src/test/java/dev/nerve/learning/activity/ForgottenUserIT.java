package dev.nerve.learning.activity;

import static dev.nerve.learning.LearningTests.activity;
import static dev.nerve.learning.LearningTests.admin;
import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.freshTenant;
import static dev.nerve.learning.LearningTests.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.ForgetLearningUserRequest;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.api.learning.v1.RecordActivitiesResponse;
import dev.nerve.api.learning.v1.RecordActivityRequest;
import dev.nerve.learning.LearningTestApplication;
import dev.nerve.learning.support.Times;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.identity.Identity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A forgotten user's events delivered late (an outbox relay catching up after the erasure) are
 * dropped, not stored again; the user's newer events, other users and other tenants are not.
 */
@SpringBootTest(classes = LearningTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
  "nerve.targets=learning", "nerve.grpc.default-deadline=60s", "nerve.learning.jobs.poll-interval=200ms",
  "nerve.learning.jobs.heartbeat-interval=1s", "nerve.learning.patterns.sync-max-items=500", "nerve.learning.patterns.max-items=5000",
  "nerve.learning.models.max-predict-batch=100", "nerve.learning.models.max-training-rows=5000"
})
class ForgottenUserIT {

  @Autowired ChannelFactory channels;
  @Autowired JdbcTemplate jdbc;

  static ActivityEvent event(String user, Instant at) {
    return ActivityEvent.newBuilder().setId(UUID.randomUUID().toString()).setUserId(user).setType("operation")
        .setOperation("Mutation.op").setOutcome("OK").setSource("gateway").setOccurredAt(Times.proto(at)).build();
  }

  private List<String> storedIds(String tenant, String user) {
    return jdbc.queryForList("select id from learning.activity_event where tenant_id = ? and user_id = ? order by id", String.class, tenant, user);
  }

  private Instant forget(String tenant, String user) {
    return Times.instant(as(admin(tenant, "root"), () -> activity(channels).forgetUser(
        ForgetLearningUserRequest.newBuilder().setUserId(user).build())).getForgottenAt());
  }

  private RecordActivitiesResponse deliver(Identity relay, ActivityEvent... events) {
    return as(relay, () -> activity(channels).recordActivities(RecordActivitiesRequest.newBuilder().addAllEvents(List.of(events)).build()));
  }

  @Test
  void lateEventsOfAForgottenUserAreDroppedAndNewerOnesKept() {
    String tenant = freshTenant();
    String otherTenant = freshTenant();
    Identity relay = admin(tenant, "relay");
    ActivityEvent before = event("alice", Instant.now().minusSeconds(3600));
    deliver(relay, before);
    assertThat(storedIds(tenant, "alice")).containsExactly(before.getId());

    Instant forgottenAt = forget(tenant, "alice");
    assertThat(storedIds(tenant, "alice")).isEmpty();

    // The relay catches up: the same old event again, another old one, one exactly at the erasure,
    // one after it, and an old event of another user.
    ActivityEvent older = event("alice", forgottenAt.minusSeconds(60));
    ActivityEvent atErasure = event("alice", forgottenAt);
    ActivityEvent newer = event("alice", forgottenAt.plusSeconds(1));
    ActivityEvent bobs = event("bob", forgottenAt.minusSeconds(60));
    RecordActivitiesResponse response = deliver(relay, before, older, atErasure, newer, bobs);
    assertThat(response.getRecorded()).isEqualTo(2);
    assertThat(response.getDuplicates()).isZero();
    assertThat(response.getDropped()).isEqualTo(3);
    assertThat(storedIds(tenant, "alice")).containsExactly(newer.getId());
    assertThat(storedIds(tenant, "bob")).containsExactly(bobs.getId());

    // A retry after a lost acknowledgement: nothing changes, the dropped stay dropped.
    RecordActivitiesResponse retry = deliver(relay, before, older, atErasure, newer, bobs);
    assertThat(retry.getRecorded()).isZero();
    assertThat(retry.getDuplicates()).isEqualTo(2);
    assertThat(retry.getDropped()).isEqualTo(3);
    assertThat(storedIds(tenant, "alice")).containsExactly(newer.getId());

    // RecordActivity drops too, answering with the event as sent rather than an error.
    ActivityEvent direct = event("alice", forgottenAt.minusMillis(1));
    ActivityEvent answered = as(user(tenant, "alice"), () -> activity(channels).recordActivity(
        RecordActivityRequest.newBuilder().setEvent(direct).build()));
    assertThat(answered.getId()).isEqualTo(direct.getId());
    assertThat(answered.hasRecordedAt()).isFalse();
    assertThat(storedIds(tenant, "alice")).containsExactly(newer.getId());

    // The tombstone belongs to its tenant: the same user id elsewhere records old events.
    ActivityEvent elsewhere = event("alice", forgottenAt.minusSeconds(60));
    RecordActivitiesResponse other = deliver(admin(otherTenant, "relay"), elsewhere);
    assertThat(other.getRecorded()).isEqualTo(1);
    assertThat(other.getDropped()).isZero();
    assertThat(storedIds(otherTenant, "alice")).containsExactly(elsewhere.getId());

    // Forgetting again erases the newer event and moves the tombstone to the later time.
    Instant again = forget(tenant, "alice");
    assertThat(again).isAfterOrEqualTo(forgottenAt);
    assertThat(storedIds(tenant, "alice")).isEmpty();
    assertThat(deliver(relay, event("alice", again)).getDropped()).isEqualTo(1);
    assertThat(storedIds(tenant, "alice")).isEmpty();
    assertThat(storedIds(tenant, "bob")).containsExactly(bobs.getId());
  }

  @Test
  void noEventBeforeTheErasureSurvivesDeliveriesRacingIt() throws Exception {
    Random random = new Random(14);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 5; round++) {
        String tenant = freshTenant();
        Identity relay = admin(tenant, "relay");
        Instant base = Instant.now();
        List<Future<?>> deliveries = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          long seed = random.nextLong();
          deliveries.add(pool.submit(() -> {
            Random r = new Random(seed);
            for (int b = 0; b < 15; b++) {
              List<ActivityEvent> batch = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                batch.add(event(r.nextBoolean() ? "carol" : "dave", base.minusMillis(r.nextInt(60_000))));
              }
              deliver(relay, batch.toArray(ActivityEvent[]::new));
            }
            return null;
          }));
        }
        Thread.sleep(random.nextInt(150));
        Instant forgottenAt = forget(tenant, "carol");
        for (Future<?> delivery : deliveries) {
          delivery.get();
        }
        // Every carol event occurred before the erasure, so none may remain; dave's all do.
        assertThat(jdbc.queryForObject(
            "select count(*) from learning.activity_event where tenant_id = ? and user_id = 'carol' and occurred_at <= ?",
            Long.class, tenant, Times.sql(forgottenAt))).isZero();
        assertThat(storedIds(tenant, "dave")).isNotEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
