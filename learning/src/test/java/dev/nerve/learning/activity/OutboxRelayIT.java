package dev.nerve.learning.activity;

import static dev.nerve.learning.LearningTests.activity;
import static dev.nerve.learning.LearningTests.admin;
import static dev.nerve.learning.LearningTests.as;
import static dev.nerve.learning.LearningTests.freshTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.api.learning.v1.RecordActivitiesRequest;
import dev.nerve.learning.LearningTestApplication;
import dev.nerve.platform.NerveProperties;
import dev.nerve.platform.activity.ActivityOutbox;
import dev.nerve.platform.activity.ActivityOutboxes;
import dev.nerve.platform.activity.ActivityProperties;
import dev.nerve.platform.grpc.ChannelFactory;
import dev.nerve.platform.target.TargetSelection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The platform's activity outbox delivering to this learning service: a producer schema made by
 * the one-line migration, events recorded there, relays stopped and started again midway, a lost
 * acknowledgement and an unreachable learning target. Every event arrives exactly once.
 */
@SpringBootTest(classes = LearningTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
  "nerve.targets=learning", "nerve.grpc.default-deadline=60s", "nerve.learning.jobs.poll-interval=200ms",
  "nerve.learning.jobs.heartbeat-interval=1s", "nerve.learning.patterns.sync-max-items=500", "nerve.learning.patterns.max-items=5000",
  "nerve.learning.models.max-predict-batch=100", "nerve.learning.models.max-training-rows=5000"
})
class OutboxRelayIT {

  static final String SCHEMA = "outbox_test";

  @Autowired DataSource dataSource;
  @Autowired ActivityOutboxes outboxes;
  @Autowired ChannelFactory channels;
  @Autowired JdbcTemplate jdbc;

  @BeforeAll
  static void producerSchema(@Autowired DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).schemas(SCHEMA).defaultSchema(SCHEMA).createSchemas(true)
        .locations("classpath:db/migration/" + SCHEMA).load().migrate();
  }

  private long outboxRows() {
    return jdbc.queryForObject("select count(*) from " + SCHEMA + ".activity_outbox", Long.class);
  }

  private long recorded(String tenant) {
    return jdbc.queryForObject("select count(distinct id) from learning.activity_event where tenant_id = ?", Long.class, tenant);
  }

  @Test
  void nothingIsLostOrDoubledAcrossRelayRestarts() {
    jdbc.update("delete from " + SCHEMA + ".activity_outbox");
    List<String> tenants = List.of(freshTenant(), freshTenant(), freshTenant());
    ActivityOutbox producer = outboxes.open(SCHEMA, "test-producer");
    for (int i = 0; i < 1200; i++) {
      producer.recorder().recordOperation(tenants.get(i % 3), "user-" + (i % 7), "Mutation.op" + (i % 5), "OK");
    }
    ActivityOutbox relay = outboxes.open(SCHEMA, "test-producer");
    relay.start();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() < 1200);
    relay.stop(); // a restart: this relay is gone, possibly in the middle of a batch
    for (int i = 0; i < 300; i++) {
      producer.recorder().recordOperation(tenants.get(i % 3), "user-late", "Mutation.late", "OK");
    }
    ActivityOutbox restarted = outboxes.open(SCHEMA, "test-producer");
    restarted.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> outboxRows() == 0);
    } finally {
      restarted.stop();
    }
    for (String tenant : tenants) {
      assertThat(recorded(tenant)).isEqualTo(500);
    }
    assertThat(jdbc.queryForObject("select count(*) from learning.activity_event where tenant_id = ? and source = 'test-producer'",
        Long.class, tenants.get(0))).isEqualTo(500);
  }

  @Test
  void eventsRecordedInATransactionAppearWithItsCommitAndNotAfterARollback() {
    jdbc.update("delete from " + SCHEMA + ".activity_outbox");
    String tenant = freshTenant();
    ActivityOutbox producer = outboxes.open(SCHEMA, "test-producer");
    TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    // More events than one insert statement carries, and one event recorded twice.
    var firstId = new AtomicReference<String>();
    tx.executeWithoutResult(status -> {
      ActivityEvent first = producer.recorder().recordOperation(tenant, "alice", "Mutation.first", "OK");
      firstId.set(first.getId());
      for (int i = 0; i < 2499; i++) {
        producer.recorder().recordOperation(tenant, "alice", "Mutation.in", "OK");
      }
      producer.recorder().record(tenant, first);
      assertThat(outboxRowsElsewhere()).isZero();
    });
    assertThat(outboxRows()).isEqualTo(2500);
    // In the order recorded.
    assertThat(jdbc.queryForObject("select event_id from " + SCHEMA + ".activity_outbox order by seq limit 1", String.class))
        .isEqualTo(firstId.get());

    assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
      producer.recorder().recordOperation(tenant, "alice", "Mutation.rolledBack", "OK");
      throw new IllegalStateException("the producer's change failed");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(outboxRows()).isEqualTo(2500);
    // Outside a transaction an event is inserted at once.
    producer.recorder().recordOperation(tenant, "alice", "Mutation.alone", "OK");
    assertThat(outboxRows()).isEqualTo(2501);
    jdbc.update("delete from " + SCHEMA + ".activity_outbox");
  }

  /** Outbox rows as another connection sees them (outside the caller's transaction). */
  private long outboxRowsElsewhere() {
    try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
        var rows = statement.executeQuery("select count(*) from " + SCHEMA + ".activity_outbox")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBatchDeliveredTwiceAfterALostAcknowledgementIsRecordedOnce() {
    jdbc.update("delete from " + SCHEMA + ".activity_outbox");
    String tenant = freshTenant();
    ActivityOutbox producer = outboxes.open(SCHEMA, "test-producer");
    List<ActivityEvent> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(producer.recorder().recordOperation(tenant, "alice", "Mutation.x", "OK"));
    }
    // A relay delivered these, then died before deleting them from the outbox.
    as(admin(tenant, "relay"), () -> activity(channels).recordActivities(RecordActivitiesRequest.newBuilder().addAllEvents(queued).build()));
    assertThat(producer.relay().drainOnce()).isEqualTo(20);
    assertThat(outboxRows()).isZero();
    assertThat(recorded(tenant)).isEqualTo(20);
  }

  @Test
  void anUnreachableLearningTargetKeepsEveryEventQueued() throws Exception {
    jdbc.update("delete from " + SCHEMA + ".activity_outbox");
    String tenant = freshTenant();
    NerveProperties nowhere = new NerveProperties("memory", java.nio.file.Path.of("."), null, null, new NerveProperties.Grpc(0, Duration.ofSeconds(2), "127.0.0.1"), Map.of());
    try (ChannelFactory noLearning = new ChannelFactory(TargetSelection.parse("memory"), nowhere, "nowhere", List.of())) {
      ActivityOutbox cut = new ActivityOutboxes(dataSource, noLearning,
          new ActivityProperties(true, Duration.ofMillis(100), 500, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2), 1_000_000))
          .open(SCHEMA, "test-producer");
      for (int i = 0; i < 10; i++) {
        cut.recorder().recordOperation(tenant, "alice", "Mutation.y", "OK");
      }
      assertThatThrownBy(() -> cut.relay().drainOnce()).hasMessageContaining("learning");
      assertThat(outboxRows()).isEqualTo(10);
    }
    // Once learning answers again, the queued events arrive.
    assertThat(outboxes.open(SCHEMA, "test-producer").relay().drainOnce()).isEqualTo(10);
    assertThat(recorded(tenant)).isEqualTo(10);
  }
}
