package dev.nerve.platform.activity;

import com.google.protobuf.Timestamp;
import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.platform.storage.TransactionBatch;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a producer calls to record one activity event: a row in the {@code activity_outbox} of
 * the producer's own schema, written in the caller's transaction when there is one, so the event
 * exists exactly when the producer's own change does. The events of one transaction are inserted
 * together, in one statement just before it commits. An {@link OutboxRelay} delivers them.
 */
public final class ActivityRecorder {

  // Well under PostgreSQL's 65,535 parameters of one statement.
  private static final int ROWS_PER_INSERT = 1000;

  private final JdbcTemplate jdbc;
  private final String table;
  private final String source;
  private final boolean enabled;
  private final TransactionBatch<Row> beforeCommit = new TransactionBatch<>(TransactionBatch.Phase.BEFORE_COMMIT, this::insert);

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
      beforeCommit.add(List.of(new Row(queued.getId(), tenantId, queued.toByteArray())));
    }
    return queued;
  }

  /** One outbox row. */
  private record Row(String eventId, String tenantId, byte[] event) {}

  private void insert(List<Row> rows) {
    for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
      List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
      StringBuilder sql = new StringBuilder("insert into ").append(table).append(" (event_id, tenant_id, event) values ");
      Object[] args = new Object[chunk.size() * 3];
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
        Row row = chunk.get(i);
        args[3 * i] = row.eventId();
        args[3 * i + 1] = row.tenantId();
        args[3 * i + 2] = row.event();
      }
      jdbc.update(sql.append(" on conflict (event_id) do nothing").toString(), args);
    }
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
