-- What the data pipeline needs to rebuild a version: how its rows are encoded, where each row
-- came from in the source file, what each recipe step reported, and how a split was drawn.

-- 'raw': records as the importer read them, mapped through dataset.detected_schema when used;
-- 'examples': typed examples (core/data/Example.h JSON) of the dataset's kind.
ALTER TABLE dataset_version ADD COLUMN row_format TEXT NOT NULL DEFAULT 'raw'
  CHECK (row_format IN ('raw', 'examples'));
-- The split method and its settings ({"method": "random", "seed": 7, ...}); NULL when unsplit.
ALTER TABLE dataset_version ADD COLUMN split_settings TEXT;

-- The 1-based line of the source file where the record started (NULL when not known).
ALTER TABLE dataset_record ADD COLUMN source_line INTEGER;

-- The step's report (counts and before/after samples) from when the version was made.
ALTER TABLE dataset_recipe_step ADD COLUMN report TEXT NOT NULL DEFAULT '{}';
