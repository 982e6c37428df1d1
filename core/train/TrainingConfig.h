#pragma once
// A training run's configuration (the run.json of `tunebench-cli train`), validated field by
// field. docs/training-config.md documents every field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/EnumNames.h"
#include "data/Balancing.h"
#include "peft/AdapterMethodConfigs.h"
#include "peft/LoraConfig.h"

namespace tunebench {

// Classification: a label per text, predicted from the last token's hidden state by a head that
// replaces the language-model head (last-token pooling).
enum class Objective { CausalLm, Sft, Classification };
enum class OptimizerKind { Sgd, Adagrad, RmsProp, AdaDelta, Adam, AdamW };
enum class ScheduleKind { Constant, Linear, Cosine, Step };
// What trains: every parameter (less the `freeze` block's), or LoRA/DoRA adapters on a frozen
// base; QLoRA is LoRA on a base whose linear weights are held in NF4. Half: half fine-tuning,
// half of every layer block trains per round (HalfFineTuning.h).
// PromptTuning and Bottleneck add trainable modules to a frozen base that cannot be merged into
// its weights (peft/PromptTuning.h, peft/BottleneckAdapters.h).
enum class MethodKind { Full, Freeze, Lora, Dora, Qlora, Half, PromptTuning, Bottleneck };

// The names of the enums above in run.json and in the GUI (common/EnumNames.h).
const EnumNames<Objective>& objectiveNames();
const EnumNames<OptimizerKind>& optimizerNames();
const EnumNames<ScheduleKind>& scheduleNames();
const EnumNames<MethodKind>& methodNames();

struct MethodConfig {
  MethodKind kind = MethodKind::Full;
  LoraConfig lora;                  // for Lora, Dora and Qlora
  int64_t halfRounds = 0;           // Half: rounds over the run; 0 = one per epoch, at least 2
  PromptTuningConfig promptTuning;  // for PromptTuning
  BottleneckConfig bottleneck;      // for Bottleneck
  // LoRA-family adapters (merged into the base at the end of a run).
  bool usesAdapters() const {
    return kind == MethodKind::Lora || kind == MethodKind::Dora || kind == MethodKind::Qlora;
  }
  bool quantizesBase() const { return kind == MethodKind::Qlora; }
  // Prompt tuning and bottleneck adapters: an adapter folder, but no merged model.
  bool addsUnmergeableModules() const {
    return kind == MethodKind::PromptTuning || kind == MethodKind::Bottleneck;
  }
};

struct DataConfig {
  std::string trainPath;       // JSON Lines
  std::string validationPath;  // optional
  std::string textField = "text";
  std::string promptField = "prompt";
  std::string responseField = "response";
  std::string labelField = "label";  // classification
  int64_t maxLength = 256;
  bool packing = false;
  bool tokenCache = true;  // keep tokenised files in the per-user cache (TokenCache.h)
};

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::AdamW;
  double learningRate = 1e-4;
  double weightDecay = 0.0;
  bool decayNormsAndBiases = false;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double momentum = 0.0;
  bool nesterov = false;
  double alpha = 0.99;  // RMSprop smoothing
  double rho = 0.9;     // AdaDelta
};

struct ScheduleConfig {
  ScheduleKind kind = ScheduleKind::Linear;
  int64_t warmupSteps = 0;
  double minLearningRateRatio = 0.0;  // floor of linear/cosine decay, as a share of the peak
  int64_t stepSize = 100;             // step decay: every stepSize steps ...
  double gamma = 0.5;                 // ... multiply by gamma
};

struct ClassificationConfig {
  // The classes in head order; empty: the training file's labels, sorted.
  std::vector<std::string> labels;
  LossBalancing loss;  // cross-entropy or focal, with optional per-class weights
  bool balancedWeights = false;  // class_weights "balanced": n / (classes * count) of the training file
};

struct TrainingConfig {
  std::string modelFolder;
  std::string outputFolder;
  Objective objective = Objective::CausalLm;
  DataConfig data;
  OptimizerConfig optimizer;
  ScheduleConfig schedule;
  int64_t batchSize = 4;
  bool fullBatch = false;  // one optimiser step per epoch over the whole training set
  int64_t gradientAccumulation = 1;
  int64_t epochs = 1;
  int64_t maxSteps = 0;  // > 0 overrides epochs
  double maxGradNorm = 1.0;  // 0 = no clipping
  uint64_t seed = 0;
  int threads = 0;
  int64_t evalEvery = 0;        // 0 = at epoch ends only
  int64_t checkpointEvery = 0;  // 0 = at the end only
  int64_t keepCheckpoints = 2;
  int64_t earlyStoppingPatience = 0;  // 0 = off
  double earlyStoppingMinDelta = 0.0;
  int64_t freezeLayers = 0;
  bool freezeEmbeddings = false;
  MethodConfig method;
  ClassificationConfig classification;
  // Recompute each decoder layer's activations in the backward pass instead of keeping them.
  bool activationCheckpointing = false;
};

// Throws tunebench::Error naming `source` and the field: "run.json: optimizer.lr must be > 0".
// Relative paths are resolved against `baseFolder`.
TrainingConfig parseTrainingConfig(const nlohmann::json& json, const std::string& source,
                                   const std::string& baseFolder = {});
TrainingConfig loadTrainingConfig(const std::string& path);

// Every setting, defaults included, in the shape parseTrainingConfig reads: parsing the result
// gives the same config back (paths stay as they are in the config, absolute once resolved). This
// is what a run records, what the GUI edits and what run comparison lines up.
nlohmann::json trainingConfigToJson(const TrainingConfig& config);

const char* optimizerName(OptimizerKind kind);

}  // namespace tunebench
