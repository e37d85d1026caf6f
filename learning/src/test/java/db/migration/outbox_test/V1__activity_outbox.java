package db.migration.outbox_test;

import dev.nerve.platform.activity.ActivityOutboxMigration;

/** The activity outbox of the test producer's schema, added the way every producer adds its own. */
public class V1__activity_outbox extends ActivityOutboxMigration {}
