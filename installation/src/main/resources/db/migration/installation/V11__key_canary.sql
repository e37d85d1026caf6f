-- A value sealed with the master key, so the environment check can tell whether a process runs
-- with the key that sealed this database's secrets. One row.
CREATE TABLE key_canary (
    id         int         PRIMARY KEY CHECK (id = 1),
    sealed     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
