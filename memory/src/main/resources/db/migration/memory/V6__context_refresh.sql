-- Memories whose vector no longer reads the session turns now just before them (SessionContext):
-- a turn was stored before them late (out of order or concurrently), or one before them was
-- changed or deleted. Each is re-embedded after the write that marked it, or by maintenance.
-- No foreign key: marking must not lock the memory rows (it runs under the change-feed lock,
-- which updates take after their row locks).
CREATE TABLE memory.context_refresh (
  memory_id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
