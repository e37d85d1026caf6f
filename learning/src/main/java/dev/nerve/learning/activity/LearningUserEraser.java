package dev.nerve.learning.activity;

import dev.nerve.api.learning.v1.ForgetLearningUserResponse;
import dev.nerve.learning.support.Times;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Right to be forgotten for the learning system: deletes a user's activity events, stored
 * patterns, preferences (with every value's evidence) and mining jobs in one transaction.
 * Models and datasets belong to the tenant, not to a user, and stay. A tombstone keeps events
 * delivered later from bringing the user's past back (see {@link ActivityIntake}).
 */
final class LearningUserEraser {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final ForgottenUsers forgotten;

  LearningUserEraser(JdbcTemplate jdbc, TransactionTemplate tx, ForgottenUsers forgotten) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.forgotten = forgotten;
  }

  ForgetLearningUserResponse forget(String tenantId, String userId) {
    Instant at = Times.now();
    return tx.execute(
        status -> {
          forgotten.forget(tenantId, userId, at);
          return ForgetLearningUserResponse.newBuilder()
              .setUserId(userId)
              .setActivitiesDeleted(delete("activity_event", tenantId, userId))
              .setPatternsDeleted(delete("pattern", tenantId, userId))
              .setPreferencesDeleted(delete("preference", tenantId, userId))
              .setMiningJobsDeleted(delete("mining_job", tenantId, userId))
              .setForgottenAt(Times.proto(at))
              .build();
        });
  }

  private long delete(String table, String tenantId, String userId) {
    return jdbc.update("delete from learning." + table + " where tenant_id = ? and user_id = ?", tenantId, userId);
  }
}
