#pragma once
// The fingerprint of a model folder: what a training checkpoint records of its base model (resume
// refuses another) and what the Model panel shows and the project registers. It is the SHA-256
// of the lines "<file name>:<sha256 of the file>\n" for config.json and then the weight files in
// the order CheckpointFolder lists them. The files' digests come from a FileFingerprintCache, so
// fingerprinting an unchanged folder again reads no weights.
#include <string>

namespace tunebench {

class FileFingerprintCache;
class JobContext;

// Uses the per-user cache (FileFingerprintCache::defaultFile()). With a context, reports the
// bytes hashed as progress, waits while paused and returns an empty string when canceled.
// Throws tunebench::Error naming the file that cannot be read or the weights' problem.
std::string modelFolderFingerprint(const std::string& folder, JobContext* context = nullptr);
std::string modelFolderFingerprint(const std::string& folder, FileFingerprintCache& cache,
                                   JobContext* context = nullptr);

}  // namespace tunebench
