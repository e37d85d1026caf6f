-- Package sources of each tenant, searched by ascending priority, then name.
CREATE TABLE package_source (
    tenant_id  text        NOT NULL,
    name       text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('directory', 'http')),
    location   text        NOT NULL,
    priority   integer     NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
