-- The memories of one session in the order they occurred (then were stored): a memory's vector
-- reads the ones just before it (SessionContext), looked up on every store into a session.
CREATE INDEX long_term_memory_session_order
  ON memory.long_term_memory (tenant_id, user_id, agent_id, session_id, occurred_at DESC, ordinal DESC)
  WHERE session_id <> '';
