-- Evaluations may belong to a project's model (a base model before any run), and record what
-- identifies an evaluation across models: the content of the evaluated file, the evaluator and the
-- settings that decide its scores. SQLite cannot change a CHECK constraint in place: the table is
-- rebuilt (foreign keys are off while migrations run, and checked before they commit).

CREATE TABLE evaluation_rebuilt (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER REFERENCES run(id) ON DELETE CASCADE,
  checkpoint_id INTEGER REFERENCES checkpoint(id) ON DELETE CASCADE,
  model_id      INTEGER REFERENCES model(id) ON DELETE CASCADE,
  suite         TEXT NOT NULL,
  data_sha256   TEXT NOT NULL DEFAULT '',
  evaluator     TEXT NOT NULL DEFAULT '',
  settings      TEXT NOT NULL DEFAULT '{}',
  created_at    REAL NOT NULL,
  CHECK (run_id IS NOT NULL OR checkpoint_id IS NOT NULL OR model_id IS NOT NULL)
);
INSERT INTO evaluation_rebuilt (id, run_id, checkpoint_id, suite, created_at)
  SELECT id, run_id, checkpoint_id, suite, created_at FROM evaluation;
DROP TABLE evaluation;
ALTER TABLE evaluation_rebuilt RENAME TO evaluation;
CREATE INDEX evaluation_by_run ON evaluation (run_id);
CREATE INDEX evaluation_by_model ON evaluation (model_id);
