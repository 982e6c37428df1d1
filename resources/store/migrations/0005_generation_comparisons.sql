-- Side-by-side generations: one prompt, the settings it was generated with, and one output per
-- column (the base model or a run's final model or checkpoint), kept so they can be re-opened.

CREATE TABLE generation_comparison (
  id          INTEGER PRIMARY KEY,
  prompt      TEXT NOT NULL,
  -- {"max_new_tokens": 64, "temperature": 0, "top_k": 0, "top_p": 1, "seed": 0, "chat": false}
  settings    TEXT NOT NULL DEFAULT '{}',
  created_at  REAL NOT NULL
);

CREATE TABLE generation_output (
  comparison_id      INTEGER NOT NULL REFERENCES generation_comparison(id) ON DELETE CASCADE,
  position           INTEGER NOT NULL CHECK (position >= 0),
  label              TEXT NOT NULL,
  -- The run it came from (NULL for the base model or a folder); kept when the run is deleted.
  run_id             INTEGER REFERENCES run(id) ON DELETE SET NULL,
  checkpoint_step    INTEGER,
  -- Relative to the project folder (as every path the project stores).
  model_folder       TEXT NOT NULL,
  adapter_folder     TEXT NOT NULL DEFAULT '',
  checkpoint_folder  TEXT NOT NULL DEFAULT '',
  text               TEXT NOT NULL,
  tokens             INTEGER NOT NULL CHECK (tokens >= 0),
  seconds            REAL NOT NULL CHECK (seconds >= 0),
  PRIMARY KEY (comparison_id, position)
);
