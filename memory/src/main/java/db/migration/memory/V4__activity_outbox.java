package db.migration.memory;

import dev.nerve.platform.activity.ActivityOutboxMigration;

/** Memory's activity outbox: memory writes (type and ids, never text) on their way to learning. */
public class V4__activity_outbox extends ActivityOutboxMigration {}
