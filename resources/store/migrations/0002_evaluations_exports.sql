-- Evaluations of runs or checkpoints, and exported artifacts.

CREATE TABLE evaluation (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER REFERENCES run(id) ON DELETE CASCADE,
  checkpoint_id INTEGER REFERENCES checkpoint(id) ON DELETE CASCADE,
  suite         TEXT NOT NULL,
  created_at    REAL NOT NULL,
  CHECK (run_id IS NOT NULL OR checkpoint_id IS NOT NULL)
);
CREATE INDEX evaluation_by_run ON evaluation (run_id);

-- Same non-finite encoding as metric.kind.
CREATE TABLE evaluation_metric (
  evaluation_id INTEGER NOT NULL REFERENCES evaluation(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  value         REAL,
  kind          INTEGER NOT NULL DEFAULT 0 CHECK (kind BETWEEN 0 AND 3),
  PRIMARY KEY (evaluation_id, name)
) WITHOUT ROWID;

CREATE TABLE evaluation_item (
  evaluation_id INTEGER NOT NULL REFERENCES evaluation(id) ON DELETE CASCADE,
  item_index    INTEGER NOT NULL,
  input         TEXT NOT NULL,
  expected      TEXT NOT NULL,
  output        TEXT NOT NULL,
  score         REAL,
  details       TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (evaluation_id, item_index)
) WITHOUT ROWID;

CREATE TABLE export (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER REFERENCES run(id) ON DELETE SET NULL,
  checkpoint_id INTEGER REFERENCES checkpoint(id) ON DELETE SET NULL,
  format        TEXT NOT NULL,
  path          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  created_at    REAL NOT NULL
);
