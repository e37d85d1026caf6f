-- Tombstones of forgotten users: events of the user that happened at or before forgotten_at and
-- arrive later (an outbox relay delivering after the erasure) are dropped at intake.
create table forgotten_user (
  tenant_id    text        not null,
  user_id      text        not null,
  forgotten_at timestamptz not null,
  primary key (tenant_id, user_id)
);
