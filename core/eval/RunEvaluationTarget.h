#pragma once
// What evaluating "the final model of a run" or "a checkpoint of a run" means, read from the
// run's recorded config: the final model folder under its output folder, the base model it
// trained from, its adapter, and the validation file and field names it trained with as the
// default evaluation data. Relative paths resolve against the project's folder.
#include <cstdint>
#include <string>
#include <vector>

#include "plugins/ModelSource.h"

namespace tunebench {

struct RunEvaluationTarget {
  std::string outputFolder;       // empty when the config does not name one
  std::string finalModelFolder;   // <output>/final (the merged model after LoRA/DoRA)
  bool finalModelExists = false;  // the folder holds a config.json
  std::string baseModelFolder;    // the config's "model": what the run trained from
  std::string adapterFolder;      // <output>/adapter when the run left a PEFT adapter, else empty
  std::string trainFile;          // the training file it trained on
  std::string validationFile;     // empty when the run had none
  std::string promptField = "prompt";
  std::string responseField = "response";
  // A classification run (objective "classification"): its text and label fields and max length.
  bool classification = false;
  std::string textField = "text";
  std::string labelField = "label";
  int64_t maxLength = 256;
  // Set by runCheckpointTarget: the checkpoint evaluated instead of the final model.
  std::string checkpointFolder;
  int64_t checkpointStep = -1;
  // Why the target cannot be evaluated; empty when it can.
  std::string problem;

  // The final model, or the base model at the checkpoint; the base model with the adapter when
  // the run left an adapter but no merged model (prompt tuning, bottleneck adapters).
  ModelSource source() const;
};

// Never throws: a config that cannot be read gives a target with `problem` set.
RunEvaluationTarget runEvaluationTarget(const std::string& configJson,
                                        const std::string& projectFolder);

// The run's checkpoint in `checkpointFolder` (step-NNNNNNNN, as the trainer names them): loaded
// as the run's base model with the checkpoint's trainable weights. Never throws.
RunEvaluationTarget runCheckpointTarget(const std::string& configJson,
                                        const std::string& projectFolder,
                                        const std::string& checkpointFolder);

struct RunCheckpoint {
  int64_t step = 0;
  std::string folder;  // absolute
};

// The complete checkpoints of a run, by step: those the project registered (still complete on
// disk) and those in <output>/checkpoints that carry the DONE marker. Reads the project through
// a read-only connection; throws tunebench::Error when the project or the run cannot be read.
std::vector<RunCheckpoint> readRunCheckpoints(const std::string& projectFile, int64_t runId);

}  // namespace tunebench
