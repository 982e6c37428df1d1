#pragma once
// What identifies a model source's scores, for the evaluation cache (plugins/EvaluationCache.h):
// the SHA-256 (hex) of the model folder's fingerprint (config.json and the weight files,
// model/ModelFingerprint.h), its tokenizer files (tokenizer.json, tokenizer.model,
// tokenizer_config.json: they decode generated answers), and the files that add to the model: an
// adapter's adapter_config.json, adapter_model.safetensors and class_labels.json (when there), or
// a checkpoint's config.json and trainable.safetensors. Other files (generation_config.json, a
// checkpoint's optimiser state) change no score. File digests come from the per-user
// FileFingerprintCache, so a source seen before costs no reading of weights. This header does not
// include LibTorch.
#include <string>

#include "plugins/ModelSource.h"

namespace tunebench {

class JobContext;

// With a context, reports the bytes hashed as progress and returns an empty string when it
// cancels. Throws tunebench::Error naming a file that cannot be read.
std::string modelSourceIdentity(const ModelSource& source, JobContext* context = nullptr);

}  // namespace tunebench
