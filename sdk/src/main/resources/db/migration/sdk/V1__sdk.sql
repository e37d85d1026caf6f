-- SDK service schema: registered endpoints, integrations (credentials sealed with the master
-- key) and extensions with their artifacts. Every row belongs to a tenant.

-- Registered endpoints; spec is the Endpoint message as proto JSON (output-only fields cleared).
CREATE TABLE sdk.endpoint (
  tenant_id      text        NOT NULL,
  name           text        NOT NULL,
  integration_id text        NOT NULL DEFAULT '',
  extension_id   text        NOT NULL DEFAULT '',
  spec           jsonb       NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, name)
);
CREATE INDEX endpoint_integration ON sdk.endpoint (tenant_id, integration_id) WHERE integration_id <> '';
CREATE INDEX endpoint_extension ON sdk.endpoint (tenant_id, extension_id) WHERE extension_id <> '';

-- Integrations. credentials holds one JSON object of every secret, sealed by SecretBox with the
-- row as associated data ("sdk.integration:<tenant_id>:<id>"); '' when there are none.
CREATE TABLE sdk.integration (
  tenant_id       text        NOT NULL,
  id              text        NOT NULL,
  provider        text        NOT NULL,
  display_name    text        NOT NULL DEFAULT '',
  settings        jsonb       NOT NULL DEFAULT '{}',
  scopes          text[]      NOT NULL DEFAULT '{}',
  credentials     text        NOT NULL DEFAULT '',
  credential_keys text[]      NOT NULL DEFAULT '{}',
  masked          jsonb       NOT NULL DEFAULT '{}',
  last_test       jsonb,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- Extensions: the manifest (Extension message as proto JSON, plugin content cleared), the plugin
-- jar, what every replica should run (desired) and what the loading replica saw (status).
-- generation grows with every load and unload, so replicas know when to reload.
CREATE TABLE sdk.extension (
  tenant_id     text        NOT NULL,
  id            text        NOT NULL,
  version       text        NOT NULL,
  kind          text        NOT NULL,
  spec          jsonb       NOT NULL,
  jar           bytea,
  desired       text        NOT NULL CHECK (desired IN ('active', 'disabled', 'unloaded')),
  status        text        NOT NULL,
  status_detail text        NOT NULL DEFAULT '',
  generation    bigint      NOT NULL,
  loaded_at     timestamptz,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
