package dev.nerve.automation.engine;

import dev.nerve.automation.support.Times;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The background purge (one replica at a time, as a recurring db-scheduler task): finished
 * executions older than the retention with their steps and attempts, idempotency keys and event
 * receipts older than 24 hours, and webhook signatures older than the longest tolerance.
 */
final class Maintenance {

  private static final Logger log = LoggerFactory.getLogger(Maintenance.class);
  private static final int BATCH = 1000;

  private final JdbcClient jdbc;
  private final java.util.function.Supplier<Duration> retention;

  /** @param retention how long finished executions are kept, read at every purge (it may change) */
  Maintenance(JdbcClient jdbc, java.util.function.Supplier<Duration> retention) {
    this.jdbc = jdbc;
    this.retention = retention;
  }

  /** Purges what is due; returns the number of executions removed. */
  int purge() {
    Instant now = Times.now();
    Duration retention = this.retention.get();
    int total = 0;
    while (true) {
      int n =
          jdbc.sql(
                  "WITH gone AS (DELETE FROM automation.run WHERE id IN (SELECT id FROM automation.run"
                      + " WHERE finished_at < ? LIMIT ?) RETURNING id),"
                      + " s AS (DELETE FROM automation.step WHERE run_id IN (SELECT id FROM gone)),"
                      + " a AS (DELETE FROM automation.step_attempt WHERE run_id IN (SELECT id FROM gone))"
                      + " SELECT count(*)::int FROM gone")
              .params(Times.sql(now.minus(retention)), BATCH)
              .query(Integer.class)
              .single();
      total += n;
      if (n < BATCH) {
        break;
      }
    }
    Instant day = now.minus(Duration.ofHours(24));
    jdbc.sql("DELETE FROM automation.run_key WHERE created_at < ?").param(Times.sql(day)).update();
    jdbc.sql("DELETE FROM automation.event_receipt WHERE created_at < ?").param(Times.sql(day)).update();
    jdbc.sql("DELETE FROM automation.webhook_delivery WHERE received_at < ?")
        .param(Times.sql(now.minus(Duration.ofHours(2))))
        .update();
    if (total > 0) {
      log.info("purged {} finished executions older than {}", total, retention);
    }
    return total;
  }
}
