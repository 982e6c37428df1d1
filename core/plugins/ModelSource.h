#pragma once
// What a model to evaluate or generate with is made of: a model folder alone, a model folder with
// a PEFT adapter on top, or a training checkpoint of a run (the run's base model, the run's
// method applied to it, then the checkpoint's trainable weights). This header does not include
// LibTorch; loading lives in ModelSourceLoading.h.
#include <string>

namespace tunebench {

struct ModelSource {
  std::string modelFolder;       // the model; with a checkpoint, the run's base model
  std::string adapterFolder;     // optional PEFT adapter (not together with a checkpoint)
  std::string checkpointFolder;  // optional: <output>/checkpoints/step-NNNNNNNN of a run

  // "model", "model + adapter a", "model at checkpoint c": for messages and records.
  std::string describe() const;
};

}  // namespace tunebench
