-- Automation service schema. PostgreSQL is the system of record for actions, workflows,
-- executions, tasks and triggers; db-scheduler's table holds the due work (step attempts,
-- timers, timeouts, task occurrences) that replicas claim.

-- db-scheduler executions (https://github.com/kagkarlsson/db-scheduler, PostgreSQL layout).
CREATE TABLE automation.scheduled_tasks (
  -- Byte order (C collation), so the engine's prefix matches (task_instance LIKE '<run>/%') use
  -- the primary key instead of scanning the table.
  task_name            text COLLATE "C"         NOT NULL,
  task_instance        text COLLATE "C"         NOT NULL,
  task_data            bytea,
  execution_time       timestamp with time zone NOT NULL,
  picked               boolean                  NOT NULL,
  picked_by            text,
  last_success         timestamp with time zone,
  last_failure         timestamp with time zone,
  consecutive_failures integer,
  last_heartbeat       timestamp with time zone,
  version              bigint                   NOT NULL,
  priority             smallint,
  PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX scheduled_tasks_execution_time ON automation.scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat ON automation.scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_time ON automation.scheduled_tasks (priority DESC, execution_time ASC);

-- Registered actions (built-in ones live in code).
CREATE TABLE automation.action (
  tenant_id     text        NOT NULL,
  id            text        NOT NULL,
  name          text        NOT NULL DEFAULT '',
  description   text        NOT NULL DEFAULT '',
  kind_id       text        NOT NULL,
  config        jsonb       NOT NULL DEFAULT '{}',
  input_schema  jsonb,
  output_schema jsonb,
  defaults      jsonb       NOT NULL DEFAULT '{}',
  timeout_ms    bigint,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- Workflows; the definition of each version is immutable in workflow_version.
CREATE TABLE automation.workflow (
  tenant_id       text        NOT NULL,
  id              text        NOT NULL,
  name            text        NOT NULL,
  current_version bigint      NOT NULL,
  -- Event name of the current version's event trigger, for EmitEvent.
  event_trigger   text,
  created_by      text        NOT NULL,
  created_roles   text        NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  deleted_at      timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX workflow_by_name ON automation.workflow (tenant_id, name, id) WHERE deleted_at IS NULL;
CREATE INDEX workflow_by_event ON automation.workflow (tenant_id, event_trigger) WHERE event_trigger IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE automation.workflow_version (
  tenant_id   text        NOT NULL,
  workflow_id text        NOT NULL,
  version     bigint      NOT NULL,
  -- The Workflow message as JSON (output-only fields cleared).
  definition  jsonb       NOT NULL,
  -- Registered action ids its steps name, for Remove's reference check.
  action_ids  text[]      NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, workflow_id, version)
);
CREATE INDEX workflow_version_actions ON automation.workflow_version USING gin (action_ids);

-- Executions (runs) of a workflow version.
CREATE TABLE automation.run (
  id               uuid        PRIMARY KEY,
  tenant_id        text        NOT NULL,
  workflow_id      text        NOT NULL,
  workflow_version bigint      NOT NULL,
  status           text        NOT NULL,
  input            jsonb       NOT NULL DEFAULT '{}',
  output           jsonb,
  error            text        NOT NULL DEFAULT '',
  trigger          text        NOT NULL,
  parent_run_id    uuid,
  parent_step_key  text,
  user_id          text        NOT NULL,
  roles            text        NOT NULL DEFAULT '',
  idempotency_key  text        NOT NULL DEFAULT '',
  deadline_at      timestamptz,
  -- Sequence of the latest change, the order of ExecutionEvent.seq.
  seq              bigint      NOT NULL DEFAULT 0,
  -- Whether RetryExecution reopened it (its steps may then have attempts from earlier lives).
  retried          boolean     NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL,
  finished_at      timestamptz
);
CREATE INDEX run_by_time ON automation.run (tenant_id, created_at DESC, id DESC);
CREATE INDEX run_by_workflow ON automation.run (tenant_id, workflow_id, created_at DESC, id DESC);
CREATE INDEX run_active ON automation.run (tenant_id, workflow_id) WHERE finished_at IS NULL;
CREATE INDEX run_finished ON automation.run (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX run_children ON automation.run (parent_run_id) WHERE parent_run_id IS NOT NULL;

-- Idempotency keys of Execute (and of task occurrences, deliveries, events), kept 24 hours.
CREATE TABLE automation.run_key (
  tenant_id  text        NOT NULL,
  key        text        NOT NULL,
  run_id     uuid        NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX run_key_age ON automation.run_key (created_at);

-- State of each step of a run; forEach items are steps named <id>[<index>].
CREATE TABLE automation.step (
  run_id       uuid        NOT NULL,
  step_key     text        NOT NULL,
  step_id      text        NOT NULL,
  item_index   integer,
  status       text        NOT NULL,
  -- Attempts made in the current life of the step; a retried execution restarts the count from
  -- attempt_base (the attempts of earlier lives keep their numbers).
  attempts     integer     NOT NULL DEFAULT 0,
  attempt_base integer     NOT NULL DEFAULT 0,
  output       jsonb,
  error        text        NOT NULL DEFAULT '',
  child_run_id uuid,
  started_at   timestamptz,
  finished_at  timestamptz,
  PRIMARY KEY (run_id, step_key)
);

-- Every attempt of a step, written when it starts and when it ends.
CREATE TABLE automation.step_attempt (
  run_id      uuid        NOT NULL,
  step_key    text        NOT NULL,
  attempt     integer     NOT NULL,
  status      text        NOT NULL,
  input       jsonb,
  output      jsonb,
  error       text        NOT NULL DEFAULT '',
  worker      text        NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (run_id, step_key, attempt)
);

-- waitForEvent steps waiting for an event.
CREATE TABLE automation.event_wait (
  run_id     uuid        NOT NULL,
  step_key   text        NOT NULL,
  tenant_id  text        NOT NULL,
  event      text        NOT NULL,
  match_key  text        NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, step_key)
);
CREATE INDEX event_wait_match ON automation.event_wait (tenant_id, event, match_key);

-- Answers of EmitEvent by request id, kept 24 hours.
CREATE TABLE automation.event_receipt (
  tenant_id  text        NOT NULL,
  request_id text        NOT NULL,
  response   jsonb       NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, request_id)
);

-- Scheduled tasks.
CREATE TABLE automation.task (
  tenant_id      text        NOT NULL,
  id             text        NOT NULL,
  name           text        NOT NULL DEFAULT '',
  action_id      text,
  workflow_id    text,
  input          jsonb       NOT NULL DEFAULT '{}',
  run_at         timestamptz,
  cron           text,
  time_zone      text,
  interval_ms    bigint,
  max_attempts   integer     NOT NULL DEFAULT 1,
  misfire        text        NOT NULL,
  overlap        text        NOT NULL,
  end_at         timestamptz,
  max_runs       integer     NOT NULL DEFAULT 0,
  run_count      integer     NOT NULL DEFAULT 0,
  status         text        NOT NULL,
  next_run_at    timestamptz,
  last_run       jsonb,
  -- Run of the task that is in progress, for the overlap policy.
  active_run_id  uuid,
  -- QUEUE_ONE: an occurrence waits for the active run to finish.
  queued_for     timestamptz,
  -- Latest occurrence already handled, so a re-delivered occurrence is not handled twice.
  last_fired_for timestamptz,
  user_id        text        NOT NULL,
  roles          text        NOT NULL DEFAULT '',
  request_id     text        NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL,
  cancelled_at   timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX task_by_next ON automation.task (tenant_id, next_run_at, id);
CREATE UNIQUE INDEX task_request ON automation.task (tenant_id, request_id) WHERE request_id <> '';
CREATE INDEX task_by_workflow ON automation.task (tenant_id, workflow_id) WHERE workflow_id IS NOT NULL;

-- Webhooks; the secret is sealed with the platform's SecretBox.
CREATE TABLE automation.webhook (
  id               text        PRIMARY KEY,
  tenant_id        text        NOT NULL,
  workflow_id      text        NOT NULL,
  description      text        NOT NULL DEFAULT '',
  secret           text        NOT NULL,
  tolerance_ms     bigint      NOT NULL,
  user_id          text        NOT NULL,
  roles            text        NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL,
  last_delivery_at timestamptz
);
CREATE INDEX webhook_by_tenant ON automation.webhook (tenant_id, created_at DESC, id DESC);

-- Signatures of accepted deliveries, kept for the hook's tolerance, so a replay is refused.
CREATE TABLE automation.webhook_delivery (
  hook_id     text        NOT NULL,
  signature   text        NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (hook_id, signature)
);
CREATE INDEX webhook_delivery_age ON automation.webhook_delivery (received_at);
