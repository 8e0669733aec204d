CREATE TABLE appended (id bigserial PRIMARY KEY, team text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO appended (team) SELECT 'team-' || (n % 50) FROM generate_series(1, 1000) n;
