-- Memory service schema. PostgreSQL is the system of record; the Lucene search index of each
-- replica is derived from long_term_memory and catches up from memory_change.

-- Current version of every long-term memory.
CREATE TABLE memory.long_term_memory (
  id                  uuid PRIMARY KEY,
  tenant_id           text             NOT NULL,
  user_id             text             NOT NULL,
  agent_id            text             NOT NULL DEFAULT '',
  session_id          text             NOT NULL DEFAULT '',
  text                text             NOT NULL,
  tags                text[]           NOT NULL DEFAULT '{}',
  source              text             NOT NULL DEFAULT '',
  importance          double precision NOT NULL,
  expires_at          timestamptz,
  metadata            jsonb            NOT NULL DEFAULT '{}',
  version             bigint           NOT NULL,
  created_at          timestamptz      NOT NULL,
  updated_at          timestamptz      NOT NULL,
  -- Model that produced the embedding, its dimension and the vector itself (unit length, float32 little-endian).
  embedding_model     text             NOT NULL,
  embedding_dimension integer          NOT NULL,
  embedding           bytea            NOT NULL
);
CREATE INDEX long_term_memory_owner ON memory.long_term_memory (tenant_id, user_id, updated_at DESC, id DESC);
CREATE INDEX long_term_memory_expiry ON memory.long_term_memory (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX long_term_memory_model ON memory.long_term_memory (embedding_model);

-- Every version of every memory, the current one included; deleted with the memory.
CREATE TABLE memory.long_term_memory_version (
  memory_id           uuid             NOT NULL,
  version             bigint           NOT NULL,
  tenant_id           text             NOT NULL,
  user_id             text             NOT NULL,
  agent_id            text             NOT NULL,
  session_id          text             NOT NULL,
  text                text             NOT NULL,
  tags                text[]           NOT NULL,
  source              text             NOT NULL,
  importance          double precision NOT NULL,
  expires_at          timestamptz,
  metadata            jsonb            NOT NULL,
  created_at          timestamptz      NOT NULL,
  updated_at          timestamptz      NOT NULL,
  embedding_model     text             NOT NULL,
  embedding_dimension integer          NOT NULL,
  PRIMARY KEY (memory_id, version)
);
CREATE INDEX long_term_memory_version_owner ON memory.long_term_memory_version (tenant_id, user_id);

-- Change feed of long-term memories. seq is assigned under a transaction-scoped advisory lock
-- taken just before commit, so sequence order equals commit order and a reader that has applied
-- everything up to seq N never misses a later commit with a smaller number.
CREATE TABLE memory.memory_change (
  seq        bigserial   PRIMARY KEY,
  tenant_id  text        NOT NULL,
  memory_id  uuid        NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- Current version of every context.
CREATE TABLE memory.context (
  tenant_id    text        NOT NULL,
  user_id      text        NOT NULL,
  id           text        NOT NULL,
  kind         text        NOT NULL DEFAULT '',
  agent_id     text        NOT NULL DEFAULT '',
  session_id   text        NOT NULL DEFAULT '',
  data         jsonb       NOT NULL,
  token_budget integer     NOT NULL DEFAULT 0,
  token_count  integer     NOT NULL DEFAULT 0,
  ttl_ms       bigint,
  expires_at   timestamptz,
  version      bigint      NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, id)
);
CREATE INDEX context_recent ON memory.context (tenant_id, user_id, updated_at DESC, id DESC);
CREATE INDEX context_expiry ON memory.context (expires_at) WHERE expires_at IS NOT NULL;

-- Every version of every context, the current one included; deleted with the context.
CREATE TABLE memory.context_version (
  tenant_id    text        NOT NULL,
  user_id      text        NOT NULL,
  id           text        NOT NULL,
  version      bigint      NOT NULL,
  kind         text        NOT NULL,
  agent_id     text        NOT NULL,
  session_id   text        NOT NULL,
  data         jsonb       NOT NULL,
  token_budget integer     NOT NULL,
  token_count  integer     NOT NULL,
  ttl_ms       bigint,
  expires_at   timestamptz,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, id, version)
);
