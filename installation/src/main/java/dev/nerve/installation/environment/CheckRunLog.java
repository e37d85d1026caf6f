package dev.nerve.installation.environment;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.nerve.api.installation.v1.CheckStatus;
import dev.nerve.api.installation.v1.EnvironmentStatus;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Keeps the recent history of environment checks so operators can see when something broke. */
final class CheckRunLog {

  static final int KEEP = 200;
  /** Advisory lock key of the history trim (any constant unique within the database). */
  private static final long TRIM_LOCK = 0x6e657276_65636b72L;

  private final JdbcClient jdbc;
  private final TransactionTemplate tx;

  CheckRunLog(JdbcClient jdbc, TransactionTemplate tx) {
    this.jdbc = jdbc;
    this.tx = tx;
  }

  /**
   * Records a run and trims the history to the newest {@link #KEEP} runs (a few more while runs
   * overlap).
   */
  void record(String kind, EnvironmentStatus status) {
    String json;
    try {
      json = JsonFormat.printer().print(status);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("environment status is not printable", e);
    }
    tx.executeWithoutResult(
        ignored -> {
          jdbc.sql(
                  "INSERT INTO installation.check_run (id, kind, overall, result) VALUES (?, ?, ?, ?::jsonb)")
              .params(UUID.randomUUID(), kind, status.getOverall().name(), json)
              .update();
          // One trimmer at a time: two concurrent trims would lock the same old rows in different
          // orders and deadlock. A run that finds the lock taken leaves trimming to its holder.
          boolean trimmer =
              jdbc.sql("SELECT pg_try_advisory_xact_lock(?)").param(TRIM_LOCK).query(Boolean.class).single();
          if (trimmer) {
            jdbc.sql(
                    "DELETE FROM installation.check_run WHERE id IN (SELECT id FROM installation.check_run"
                        + " ORDER BY ran_at DESC OFFSET ?)")
                .param(KEEP)
                .update();
          }
        });
  }

  /** Number of recorded runs with the given overall status (for operators and tests). */
  long count(CheckStatus overall) {
    return jdbc.sql("SELECT count(*) FROM installation.check_run WHERE overall = ?")
        .param(overall.name())
        .query(Long.class)
        .single();
  }
}
