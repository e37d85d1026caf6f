package dev.nerve.platform.activity;

import com.google.protobuf.Timestamp;
import dev.nerve.api.learning.v1.ActivityEvent;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a producer calls to record one activity event: a row in the {@code activity_outbox} of
 * the producer's own schema, written in the caller's transaction when there is one, so the event
 * exists exactly when the producer's own change does. An {@link OutboxRelay} delivers it.
 */
public final class ActivityRecorder {

  private final JdbcTemplate jdbc;
  private final String table;
  private final String source;
  private final boolean enabled;

  ActivityRecorder(JdbcTemplate jdbc, String schema, String source, boolean enabled) {
    this.jdbc = jdbc;
    this.table = OutboxRelay.table(schema);
    this.source = source;
    this.enabled = enabled;
  }

  /**
   * Records {@code event} of a user of {@code tenantId}; an empty id becomes a random UUID, an
   * unset time now, an empty source this producer's. Returns the event as queued.
   */
  public ActivityEvent record(String tenantId, ActivityEvent event) {
    ActivityEvent.Builder complete = event.toBuilder();
    if (complete.getId().isEmpty()) {
      complete.setId(UUID.randomUUID().toString());
    }
    if (!complete.hasOccurredAt()) {
      Instant now = Instant.now();
      complete.setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    }
    if (complete.getSource().isEmpty()) {
      complete.setSource(source);
    }
    ActivityEvent queued = complete.build();
    if (enabled) {
      jdbc.update(
          "insert into " + table + " (event_id, tenant_id, event) values (?, ?, ?) on conflict (event_id) do nothing",
          queued.getId(),
          tenantId,
          queued.toByteArray());
    }
    return queued;
  }

  /** An operation of a user and how it ended, as the gateway records it. */
  public ActivityEvent recordOperation(String tenantId, String userId, String operation, String outcome) {
    return record(
        tenantId,
        ActivityEvent.newBuilder()
            .setUserId(userId)
            .setType("operation")
            .setOperation(operation)
            .setOutcome(outcome)
            .build());
  }
}
