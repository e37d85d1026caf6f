-- Activity events: what users did, delivered by producers' outbox relays or recorded directly.
create table activity_event (
  tenant_id   text        not null,
  id          text        not null,
  user_id     text        not null,
  type        text        not null,
  operation   text        not null default '',
  outcome     text        not null default '',
  source      text        not null default '',
  session_id  text        not null default '',
  attributes  jsonb       not null default '{}',
  occurred_at timestamptz not null,
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
create index activity_event_user_time on activity_event (tenant_id, user_id, occurred_at desc);
create index activity_event_time on activity_event (occurred_at);

-- Stored patterns, searchable by kind, items, text and score.
create table pattern (
  tenant_id   text        not null,
  user_id     text        not null,
  id          uuid        not null,
  kind        text        not null,
  shape       text        not null,
  description text        not null,
  items       text[]      not null,
  score       double precision not null,
  confidence  double precision not null,
  last_seen   timestamptz,
  body        bytea       not null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, user_id, shape)
);
create index pattern_user_score on pattern (tenant_id, user_id, score desc, id);
create index pattern_user_seen on pattern (tenant_id, user_id, last_seen desc nulls last, id);
create index pattern_items on pattern using gin (items);

-- Mining runs too large for a synchronous call.
create table mining_job (
  tenant_id   text        not null,
  id          uuid        not null,
  user_id     text        not null,
  status      text        not null,
  request     bytea       not null,
  result      bytea,
  error       text        not null default '',
  created_at  timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);
create unique index mining_job_id on mining_job (id);

-- Preferences: one row per key, one per candidate value with its decayed Beta counts.
create table preference (
  tenant_id  text        not null,
  user_id    text        not null,
  id         uuid        not null,
  key        text        not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, user_id, key)
);

create table preference_value (
  tenant_id     text        not null,
  preference_id uuid        not null,
  value_json    text        not null,
  alpha         double precision not null default 0,
  beta          double precision not null default 0,
  evidence      integer     not null default 0,
  reference_at  timestamptz not null,
  pinned        boolean     not null default false,
  explicit      boolean     not null default false,
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, preference_id, value_json),
  foreign key (tenant_id, preference_id) references preference (tenant_id, id) on delete cascade
);

-- Models, their immutable versions, training jobs and stored datasets.
create table model (
  tenant_id            text        not null,
  id                   text        not null,
  name                 text        not null,
  task_type            text        not null,
  algorithm            text        not null,
  status               text        not null,
  status_detail        text        not null default '',
  active_version       bigint      not null default 0,
  latest_version       bigint      not null default 0,
  last_training_job_id text        not null default '',
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table model_version (
  tenant_id       text        not null,
  model_id        text        not null,
  version         bigint      not null,
  info            bytea       not null,
  holdout         bytea,
  evaluation      bytea,
  model           bytea       not null,
  trained_at      timestamptz not null default now(),
  primary key (tenant_id, model_id, version),
  foreign key (tenant_id, model_id) references model (tenant_id, id) on delete cascade
);

create table training_job (
  tenant_id     text        not null,
  id            uuid        not null,
  model_id      text        not null,
  model_version bigint      not null,
  status        text        not null,
  phase         text        not null default 'queued',
  progress      double precision not null default 0,
  error         text        not null default '',
  request       bytea       not null,
  request_id    text,
  attempt       integer     not null default 0,
  metrics       jsonb       not null default '{}',
  created_at    timestamptz not null default now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, model_id, request_id)
);
create unique index training_job_id on training_job (id);

create table dataset (
  tenant_id  text        not null,
  id         text        not null,
  name       text        not null,
  row_count  bigint      not null,
  schema     bytea       not null,
  body       bytea       not null,
  data_hash  text        not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

-- db-scheduler's queue: training jobs, large mining runs and the retention purge, claimed by any
-- replica with FOR UPDATE SKIP LOCKED and taken over when their replica stops heartbeating.
create table scheduled_tasks (
  task_name            text        not null,
  task_instance        text        not null,
  task_data            bytea,
  execution_time       timestamptz not null,
  picked               boolean     not null,
  picked_by            text,
  last_success         timestamptz,
  last_failure         timestamptz,
  consecutive_failures integer,
  last_heartbeat       timestamptz,
  version              bigint      not null,
  priority             smallint,
  primary key (task_name, task_instance)
);
create index scheduled_tasks_execution_time on scheduled_tasks (execution_time);
create index scheduled_tasks_last_heartbeat on scheduled_tasks (last_heartbeat);
create index scheduled_tasks_priority_time on scheduled_tasks (priority desc, execution_time asc);
