-- Idempotency keys of memory's writes (long-term Store, context Manage): the response of the
-- first request with a key, committed in the same transaction as the write, so a retry with the
-- key returns it instead of writing again. Kept 24 hours (MemoryMaintenance purges older ones).
-- Same shape in every schema that uses the platform's IdempotencyKeys.
CREATE TABLE memory.idempotency_key (
  tenant_id    text        NOT NULL,
  user_id      text        NOT NULL,
  operation    text        NOT NULL,
  request_id   text        NOT NULL,
  request_hash bytea       NOT NULL,
  response     bytea       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, operation, request_id)
);
CREATE INDEX idempotency_key_created ON memory.idempotency_key (created_at);
