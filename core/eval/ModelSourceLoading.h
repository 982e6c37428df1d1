#pragma once
// Loads a ModelSource into memory, in eval mode, ready to score or generate.
#include "model/ModelFolder.h"
#include "plugins/ModelSource.h"

namespace tunebench {

// Throws tunebench::Error naming the folder or file and the problem: a missing model, an adapter
// that does not fit, a checkpoint without DONE, or checkpoint tensors the model lacks.
LoadedModel loadModelSource(const ModelSource& source);

}  // namespace tunebench
