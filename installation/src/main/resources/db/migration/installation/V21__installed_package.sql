-- The lock: exactly which version of each package a tenant has installed, from where, with the
-- verified archive kept so an interrupted change can load the previous version again.
CREATE TABLE installed_package (
    tenant_id       text        NOT NULL,
    name            text        NOT NULL,
    version         text        NOT NULL,
    checksum_sha256 text        NOT NULL CHECK (checksum_sha256 ~ '^[0-9a-f]{64}$'),
    source          text        NOT NULL,
    requested_range text,
    requires        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    archive         bytea       NOT NULL,
    installed_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
