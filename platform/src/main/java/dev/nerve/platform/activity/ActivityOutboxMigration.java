package dev.nerve.platform.activity;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates the {@code activity_outbox} table in the schema being migrated, so a producer of
 * activity adds its outbox with a one-line Flyway migration of its own, e.g. {@code
 * db/migration/gateway/V1_1__activity_outbox.java}: {@code public class V1_1__activity_outbox
 * extends ActivityOutboxMigration {}} (package {@code db.migration.gateway}).
 */
public abstract class ActivityOutboxMigration extends BaseJavaMigration {

  /** The table: events in insertion order, each with its tenant, deleted once delivered. */
  static final String DDL =
      """
      create table activity_outbox (
        seq bigint generated always as identity primary key,
        event_id text not null unique,
        tenant_id text not null,
        event bytea not null,
        created_at timestamptz not null default now()
      )
      """;

  @Override
  public void migrate(Context context) throws Exception {
    // Flyway runs the migration with the schema's search path, so the table lands in it.
    try (Statement statement = context.getConnection().createStatement()) {
      statement.execute(DDL);
    }
  }
}
