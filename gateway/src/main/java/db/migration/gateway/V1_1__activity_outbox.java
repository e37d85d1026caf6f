package db.migration.gateway;

import dev.nerve.platform.activity.ActivityOutboxMigration;

/** The gateway's activity outbox: its operations' names and outcomes on their way to learning. */
public class V1_1__activity_outbox extends ActivityOutboxMigration {}
