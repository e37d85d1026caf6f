package dev.nerve.learning.activity;

import dev.nerve.api.learning.v1.ActivityEvent;
import dev.nerve.learning.support.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one way events are stored: drops the events of a forgotten user that happened at or before
 * the erasure (late outbox deliveries), records the rest idempotently.
 */
final class ActivityIntake {

  /** What one intake did with a batch. */
  record Outcome(int recorded, int duplicates, int dropped) {}

  private final ActivityRepository repository;
  private final ForgottenUsers forgotten;
  private final TransactionTemplate tx;

  ActivityIntake(ActivityRepository repository, ForgottenUsers forgotten, TransactionTemplate tx) {
    this.repository = repository;
    this.forgotten = forgotten;
    this.tx = tx;
  }

  /** Stores the normalized events (user and time set) of one tenant. */
  Outcome record(String tenantId, List<ActivityEvent> events) {
    return tx.execute(
        status -> {
          Map<String, Instant> tombstones =
              forgotten.lockAndRead(tenantId, events.stream().map(ActivityEvent::getUserId).toList());
          List<ActivityEvent> kept = new ArrayList<>();
          for (ActivityEvent event : events) {
            Instant forgottenAt = tombstones.get(event.getUserId());
            if (forgottenAt == null || Times.micros(Times.instant(event.getOccurredAt())).isAfter(forgottenAt)) {
              kept.add(event);
            }
          }
          int recorded = kept.isEmpty() ? 0 : repository.insert(tenantId, kept);
          return new Outcome(recorded, kept.size() - recorded, events.size() - kept.size());
        });
  }
}
