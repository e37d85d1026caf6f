-- Every saved version of a configuration document: the global one (scope 'global', tenant_id '')
-- and one per tenant (scope 'tenant'). The newest version of a scope is the current document.
CREATE TABLE configuration_version (
    scope          text        NOT NULL CHECK (scope IN ('global', 'tenant')),
    tenant_id      text        NOT NULL,
    version        bigint      NOT NULL CHECK (version > 0),
    document       jsonb       NOT NULL,
    changes        jsonb       NOT NULL,
    saved_by       text        NOT NULL,
    saved_at       timestamptz NOT NULL DEFAULT now(),
    note           text        NOT NULL DEFAULT '',
    rolled_back_to bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, tenant_id, version),
    CHECK ((scope = 'global') = (tenant_id = ''))
);
