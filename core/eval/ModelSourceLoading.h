#pragma once
// Loads a ModelSource into memory, in eval mode, ready to score or generate.
#include "eval/ModelSource.h"
#include "model/ModelFolder.h"

namespace tunebench {

// Throws tunebench::Error naming the folder or file and the problem: a missing model, an adapter
// that does not fit, a checkpoint without DONE, or checkpoint tensors the model lacks.
LoadedModel loadModelSource(const ModelSource& source);

// Copies a complete checkpoint's trainable weights into a model that was built the way the run
// built it (base model, then the run's adapters); returns how many tensors were copied.
size_t loadCheckpointWeights(CausalLMImpl& model, const std::string& checkpointFolder);

}  // namespace tunebench
