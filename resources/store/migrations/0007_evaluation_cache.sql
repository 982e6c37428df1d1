-- What evaluations computed, kept by key so that an interrupted evaluation resumes where it
-- stopped and evaluating the same model again runs nothing. A key is the SHA-256 (hex) of the
-- model source's identity and the request's tokens (core/eval/ModelSourceIdentity.h,
-- LoglikelihoodScoring.h); rows point at nothing, so deleting runs or models leaves them behind,
-- never asked for again.

-- A log-likelihood request's score: the summed log-probability of the continuation (NULL unless
-- finite; the kind as store/StoredDouble.h, and 4 for -0.0, which SQLite would turn into 0.0)
-- and whether every continuation token was the most likely one.
CREATE TABLE scored_request (
  key                  TEXT PRIMARY KEY,
  log_likelihood       REAL,
  log_likelihood_kind  INTEGER NOT NULL DEFAULT 0 CHECK (log_likelihood_kind BETWEEN 0 AND 4),
  greedy               INTEGER NOT NULL CHECK (greedy IN (0, 1))
) WITHOUT ROWID;

-- A greedy answer generated for a prompt (GSM8K), as the evaluator keeps it.
CREATE TABLE generated_answer (
  key   TEXT PRIMARY KEY,
  text  TEXT NOT NULL
) WITHOUT ROWID;
