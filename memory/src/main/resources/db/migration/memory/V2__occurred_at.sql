-- Event time of a memory (when the remembered thing happened, e.g. when a chat turn was said),
-- given on store and distinct from created_at (when the server stored it). Existing memories
-- happened when they were stored.
ALTER TABLE memory.long_term_memory ADD COLUMN occurred_at timestamptz;
UPDATE memory.long_term_memory SET occurred_at = created_at;
ALTER TABLE memory.long_term_memory ALTER COLUMN occurred_at SET NOT NULL;

ALTER TABLE memory.long_term_memory_version ADD COLUMN occurred_at timestamptz;
UPDATE memory.long_term_memory_version SET occurred_at = created_at;
ALTER TABLE memory.long_term_memory_version ALTER COLUMN occurred_at SET NOT NULL;

-- Order in which memories were stored (a batch keeps its item order): breaks ties between
-- memories with the same occurred_at, e.g. the turns of one imported chat session.
ALTER TABLE memory.long_term_memory ADD COLUMN ordinal bigserial;
