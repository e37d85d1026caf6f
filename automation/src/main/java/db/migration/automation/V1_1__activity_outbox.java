package db.migration.automation;

import dev.nerve.platform.activity.ActivityOutboxMigration;

/** Automation's activity outbox: finished runs and action executions on their way to learning. */
public class V1_1__activity_outbox extends ActivityOutboxMigration {}
