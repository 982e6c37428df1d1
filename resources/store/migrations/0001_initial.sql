-- Project settings, datasets, models, runs and everything a run writes while training.
-- Times are seconds since the Unix epoch (REAL). Paths are relative to the project folder.

CREATE TABLE project_setting (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE dataset (
  id             INTEGER PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  source_path    TEXT NOT NULL,
  source_sha256  TEXT NOT NULL,
  import_options TEXT NOT NULL DEFAULT '{}',
  detected_schema TEXT NOT NULL DEFAULT '{}',
  created_at     REAL NOT NULL
);

-- A version is immutable once written: version 1 is the import, later ones apply a recipe.
CREATE TABLE dataset_version (
  id                INTEGER PRIMARY KEY,
  dataset_id        INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
  number            INTEGER NOT NULL,
  parent_version_id INTEGER REFERENCES dataset_version(id),
  record_count      INTEGER NOT NULL DEFAULT 0,
  reject_count      INTEGER NOT NULL DEFAULT 0,
  created_at        REAL NOT NULL,
  UNIQUE (dataset_id, number)
);

CREATE TABLE dataset_recipe_step (
  version_id INTEGER NOT NULL REFERENCES dataset_version(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  operation  TEXT NOT NULL,
  params     TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (version_id, position)
) WITHOUT ROWID;

-- Rows of a version are numbered 0..record_count-1 without gaps, so a page is an index seek.
CREATE TABLE dataset_record (
  version_id INTEGER NOT NULL REFERENCES dataset_version(id) ON DELETE CASCADE,
  row_index  INTEGER NOT NULL,
  split      TEXT,
  data       TEXT NOT NULL,
  PRIMARY KEY (version_id, row_index)
) WITHOUT ROWID;

CREATE TABLE dataset_reject (
  version_id INTEGER NOT NULL REFERENCES dataset_version(id) ON DELETE CASCADE,
  line       INTEGER NOT NULL,
  reason     TEXT NOT NULL,
  raw        TEXT NOT NULL,
  PRIMARY KEY (version_id, line)
) WITHOUT ROWID;

CREATE TABLE model (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  folder       TEXT NOT NULL,
  architecture TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  created_at   REAL NOT NULL
);

CREATE TABLE study (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL
);

CREATE TABLE run (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  study_id           INTEGER REFERENCES study(id) ON DELETE SET NULL,
  model_id           INTEGER REFERENCES model(id) ON DELETE SET NULL,
  dataset_version_id INTEGER REFERENCES dataset_version(id) ON DELETE SET NULL,
  config             TEXT NOT NULL DEFAULT '{}',
  status             TEXT NOT NULL DEFAULT 'queued' CHECK (status IN
                       ('queued', 'running', 'paused', 'completed', 'failed', 'stopped',
                        'interrupted')),
  created_at         REAL NOT NULL,
  started_at         REAL,
  finished_at        REAL,
  heartbeat_at       REAL,
  owner_pid          INTEGER,
  environment        TEXT NOT NULL DEFAULT '{}',
  notes              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_by_status ON run (status);
CREATE INDEX run_by_study ON run (study_id);

CREATE TABLE run_tag (
  run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
  tag    TEXT NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX run_tag_by_tag ON run_tag (tag, run_id);

CREATE TABLE metric_key (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- SQLite stores NaN as NULL, so non-finite values keep value NULL and say what they were in kind:
-- 0 finite, 1 NaN, 2 +Inf, 3 -Inf. MIN/MAX over value then skip them on their own.
CREATE TABLE metric (
  run_id    INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
  key_id    INTEGER NOT NULL REFERENCES metric_key(id),
  step      INTEGER NOT NULL CHECK (step >= 0),
  value     REAL,
  kind      INTEGER NOT NULL DEFAULT 0 CHECK (kind BETWEEN 0 AND 3),
  wall_time REAL NOT NULL,
  PRIMARY KEY (run_id, key_id, step)
) WITHOUT ROWID;

CREATE TABLE event (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER REFERENCES run(id) ON DELETE CASCADE,
  time    REAL NOT NULL,
  level   TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warning', 'error')),
  kind    TEXT NOT NULL,
  message TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX event_by_run ON event (run_id, time);

-- Registered only once the files are complete (complete = 1 after the DONE marker is written).
CREATE TABLE checkpoint (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
  step       INTEGER NOT NULL,
  path       TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
  created_at REAL NOT NULL,
  UNIQUE (run_id, step)
);
