#pragma once
// What evaluating "the final model of a run" means, read from the run's recorded config: the
// final model folder under its output folder, and the validation file and field names it trained
// with as the default evaluation data. Relative paths resolve against the project's folder.
#include <string>

namespace tunebench {

struct RunEvaluationTarget {
  std::string outputFolder;       // empty when the config does not name one
  std::string finalModelFolder;   // <output>/final (the merged model after LoRA/DoRA)
  bool finalModelExists = false;  // the folder holds a config.json
  std::string validationFile;     // empty when the run had none
  std::string promptField = "prompt";
  std::string responseField = "response";
  // Why the run's final model cannot be evaluated; empty when it can.
  std::string problem;
};

// Never throws: a config that cannot be read gives a target with `problem` set.
RunEvaluationTarget runEvaluationTarget(const std::string& configJson,
                                        const std::string& projectFolder);

}  // namespace tunebench
