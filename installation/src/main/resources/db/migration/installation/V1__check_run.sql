-- History of environment checks and verifications (installation-wide, not tenant data).
CREATE TABLE check_run (
    id      uuid PRIMARY KEY,
    kind    text        NOT NULL CHECK (kind IN ('check', 'verify')),
    overall text        NOT NULL,
    result  jsonb       NOT NULL,
    ran_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX check_run_ran_at ON check_run (ran_at DESC);
