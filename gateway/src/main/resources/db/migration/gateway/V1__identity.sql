-- Gateway-owned identity: tenants, users, refresh tokens, API keys, JWT signing keys, audit log.
-- Secrets are never stored in clear: passwords as bcrypt, refresh tokens and API keys as SHA-256.

create table gateway.tenants (
  id         text primary key,
  name       text not null,
  created_at timestamptz not null default now()
);

create table gateway.users (
  id            uuid primary key,
  tenant_id     text not null references gateway.tenants (id),
  username      text not null unique,
  password_hash text not null,
  roles         text[] not null,
  disabled      boolean not null default false,
  created_at    timestamptz not null default now()
);
create index users_tenant on gateway.users (tenant_id);

-- One row per issued refresh token. Rotation marks the used token rotated; presenting a rotated
-- token again revokes its whole family (every token descended from the same login).
create table gateway.refresh_tokens (
  id         uuid primary key,
  family_id  uuid not null,
  user_id    uuid not null references gateway.users (id),
  token_hash bytea not null unique,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  revoked_at timestamptz
);
create index refresh_tokens_family on gateway.refresh_tokens (family_id);

create table gateway.api_keys (
  id           uuid primary key,
  tenant_id    text not null references gateway.tenants (id),
  name         text not null,
  prefix       text not null,
  key_hash     bytea not null unique,
  roles        text[] not null,
  created_by   text not null,
  created_at   timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
create index api_keys_tenant on gateway.api_keys (tenant_id);

-- ES256 signing keys. The newest unretired key signs; retired keys stay published in the JWKS
-- until every token they signed has expired.
create table gateway.signing_keys (
  kid         text primary key,
  private_jwk text not null,
  created_at  timestamptz not null default now(),
  retired_at  timestamptz
);

create table gateway.audit_log (
  id         bigserial primary key,
  tenant_id  text not null,
  actor      text not null,
  operation  text not null,
  target_ids text[] not null default '{}',
  result     text not null,
  error_code text,
  trace_id   text,
  at         timestamptz not null default now()
);
create index audit_log_tenant_id on gateway.audit_log (tenant_id, id desc);
