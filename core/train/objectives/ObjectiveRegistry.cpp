#include "common/Error.h"
#include "train/objectives/Objectives.h"

namespace tunebench {

std::unique_ptr<TrainingObjective> makeTrainingObjective(const TrainingConfig& config) {
  using Maker = std::unique_ptr<TrainingObjective> (*)(const TrainingConfig&);
  static const std::pair<Objective, Maker> objectives[] = {
      {Objective::CausalLm, &makeCausalLmObjective},
      {Objective::Sft, &makeSftObjective},
      {Objective::Classification, &makeClassificationObjective}};
  for (const auto& [kind, make] : objectives)
    if (kind == config.objective) return make(config);
  throw Error(std::string("objective \"") + fileNameOf(objectiveNames(), config.objective) +
              "\" has no trainer");
}

}  // namespace tunebench
