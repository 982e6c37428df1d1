-- Per-block summaries of metric so a chart query reads a few rows per pixel instead of every
-- point. Level L covers blocks of 16^L steps (block = step / 16^L); min/max skip non-finite
-- values, which are counted in non_finite. Kept exact by the writer (core/store/MetricRepository).

CREATE TABLE metric_rollup (
  run_id     INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
  key_id     INTEGER NOT NULL REFERENCES metric_key(id),
  level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
  block      INTEGER NOT NULL,
  first_step INTEGER NOT NULL,
  last_step  INTEGER NOT NULL,
  min_value  REAL,
  max_value  REAL,
  count      INTEGER NOT NULL,
  non_finite INTEGER NOT NULL,
  PRIMARY KEY (run_id, key_id, level, block)
) WITHOUT ROWID;

INSERT INTO metric_rollup
  SELECT run_id, key_id, 1, step >> 4, MIN(step), MAX(step), MIN(value), MAX(value), COUNT(*),
         SUM(kind <> 0)
  FROM metric GROUP BY run_id, key_id, step >> 4;
INSERT INTO metric_rollup
  SELECT run_id, key_id, 2, block >> 4, MIN(first_step), MAX(last_step), MIN(min_value),
         MAX(max_value), SUM(count), SUM(non_finite)
  FROM metric_rollup WHERE level = 1 GROUP BY run_id, key_id, block >> 4;
INSERT INTO metric_rollup
  SELECT run_id, key_id, 3, block >> 4, MIN(first_step), MAX(last_step), MIN(min_value),
         MAX(max_value), SUM(count), SUM(non_finite)
  FROM metric_rollup WHERE level = 2 GROUP BY run_id, key_id, block >> 4;
INSERT INTO metric_rollup
  SELECT run_id, key_id, 4, block >> 4, MIN(first_step), MAX(last_step), MIN(min_value),
         MAX(max_value), SUM(count), SUM(non_finite)
  FROM metric_rollup WHERE level = 3 GROUP BY run_id, key_id, block >> 4;
