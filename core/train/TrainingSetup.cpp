#include "train/TrainingSetup.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "peft/BottleneckAdapters.h"
#include "peft/LoraModel.h"
#include "peft/PromptTuning.h"
#include "peft/QloraModel.h"
#include "train/Optimizers.h"
#include "train/TrainingBatches.h"

namespace tunebench {

namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

void applyFreezing(CausalLMImpl& model, const TrainingConfig& config) {
  const bool gpt2 = model.config().family == ModelFamily::Gpt2;
  if (config.freezeLayers > model.config().numLayers)
    throw Error("freeze.layers is " + std::to_string(config.freezeLayers) +
                ", more than the model's " + std::to_string(model.config().numLayers) +
                " layers");
  for (auto& item : model.named_parameters()) {
    const auto& name = item.key();
    bool frozen = false;
    if (config.freezeEmbeddings)
      frozen = startsWith(name, gpt2 ? "transformer.wte." : "model.embed_tokens.") ||
               startsWith(name, "transformer.wpe.");
    for (int64_t layer = 0; layer < config.freezeLayers && !frozen; ++layer)
      frozen = startsWith(
          name, (gpt2 ? "transformer.h." : "model.layers.") + std::to_string(layer) + ".");
    item.value().set_requires_grad(!frozen);
  }
}

const char* methodLabel(const MethodConfig& method) {
  if (method.quantizesBase()) return "QLoRA";
  return method.lora.dora ? "DoRA" : "LoRA";
}

std::string mebibytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

// Prompt tuning or bottleneck adapters on the frozen base.
void applyUnmergeableMethod(CausalLMImpl& model, const TrainingConfig& config,
                            JobContext& context) {
  const auto& method = config.method;
  if (method.kind == MethodKind::PromptTuning) {
    const auto& prompt = method.promptTuning;
    TextToIds encode;
    if (prompt.init == PromptTuningInit::Text)
      encode = encoderForModelFolder(config.modelFolder).encode;
    applyPromptTuning(model, initialVirtualTokens(model, prompt, config.seed, encode));
    context.log(LogLevel::Info,
                "prompt tuning: " + std::to_string(prompt.virtualTokens) + " virtual tokens, " +
                    (prompt.init == PromptTuningInit::Text
                         ? "initialised from the embeddings of \"" + prompt.initText + "\""
                         : std::string("initialised at random")));
    return;
  }
  const auto layers = applyBottleneckAdapters(model, method.bottleneck);
  context.log(LogLevel::Info,
              "bottleneck adapters (size " + std::to_string(method.bottleneck.size) + ", " +
                  activationName(method.bottleneck.activation) + ") on " + std::to_string(layers) +
                  " decoder layers, after attention and MLP");
}

}  // namespace

PreparedModel prepareModelForTraining(const TrainingConfig& config, JobContext& context,
                                      const std::vector<std::string>& classLabels) {
  LoadOptions load;
  load.progress = [&](int64_t done, int64_t total) {
    if (context.isCanceled()) throw Canceled("loading " + config.modelFolder);
    context.progress(done, total, "loading " + config.modelFolder);
  };
  PreparedModel prepared{loadModelFolder(config.modelFolder, load), {}, 0, 0};
  auto& model = prepared.model();
  if (model.isClassifier() && config.objective != Objective::Classification)
    throw Error(config.modelFolder + " holds a sequence classifier; it can only be trained with "
                                     "objective \"classification\"");
  model.train();
  applyFreezing(model, config);
  if (config.method.usesAdapters()) {
    const auto adapted = config.method.quantizesBase() ? applyQlora(model, config.method.lora)
                                                       : applyLora(model, config.method.lora);
    context.log(LogLevel::Info, std::string(methodLabel(config.method)) + " on " +
                                    std::to_string(adapted.size()) + " linear layers");
  }
  if (config.method.addsUnmergeableModules()) applyUnmergeableMethod(model, config, context);
  if (config.objective == Objective::Classification) {
    if (!model.isClassifier()) {
      // After the adapters, so that their initial values do not depend on the objective.
      model.attachClassificationHead(classLabels, config.seed);
    } else if (model.config().classLabels != classLabels) {
      throw Error(config.modelFolder + " classifies into other classes than the data's");
    }
    for (auto& item : model.named_parameters())
      if (item.key().rfind("score.", 0) == 0) item.value().set_requires_grad(true);
    context.log(LogLevel::Info, "classification head over " + std::to_string(classLabels.size()) +
                                    " classes (last-token pooling)");
  }
  model.setActivationCheckpointing(config.activationCheckpointing);
  const auto quantized = quantizedBaseOf(model);
  if (quantized.layers > 0) {
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.1f %%",
                  100.0 * static_cast<double>(quantized.nf4Bytes) /
                      static_cast<double>(quantized.fp32Bytes));
    context.log(LogLevel::Info, "NF4 base: " + std::to_string(quantized.layers) +
                                    " linear weights (" + std::to_string(quantized.parameters) +
                                    " parameters) in " + mebibytes(quantized.nf4Bytes) +
                                    " instead of " + mebibytes(quantized.fp32Bytes) +
                                    " at fp32 (" + ratio + ")");
  }
  // The NF4 weights are no parameters of the module any more, but they are the model's.
  prepared.totalParameters = quantized.parameters;
  for (const auto& parameter : model.parameters()) {
    prepared.totalParameters += parameter.numel();
    if (parameter.requires_grad()) {
      prepared.trainable.push_back(parameter);
      prepared.trainableParameters += parameter.numel();
    }
  }
  return prepared;
}

std::vector<std::string> resolveClassLabels(const TrainingConfig& config) {
  if (config.objective != Objective::Classification) return {};
  if (!config.classification.labels.empty()) return config.classification.labels;
  auto labels = classLabelsOfFile(config.data.trainPath, config.data.labelField);
  if (labels.size() < 2)
    throw Error(config.data.trainPath + ": classification needs at least two classes in \"" +
                config.data.labelField + "\" (found " + std::to_string(labels.size()) + ")");
  return labels;
}

ClassificationLoss classificationLossFor(const TrainingConfig& config,
                                         const std::vector<std::string>& classLabels,
                                         const std::vector<TokenizedExample>& trainExamples) {
  const auto& settings = config.classification;
  ClassificationLoss loss;
  loss.focal = settings.loss.loss == LossBalancing::Loss::Focal;
  loss.focalGamma = settings.loss.focalGamma;
  if (settings.balancedWeights) {
    const auto counts = classCounts(trainExamples, classLabels.size());
    loss.classWeights.resize(classLabels.size());
    for (size_t c = 0; c < classLabels.size(); ++c) {
      if (counts[c] == 0)
        throw Error("classification.class_weights \"balanced\": class \"" + classLabels[c] +
                    "\" has no training example in " + config.data.trainPath);
      loss.classWeights[c] = static_cast<double>(trainExamples.size()) /
                             (static_cast<double>(classLabels.size()) * static_cast<double>(counts[c]));
    }
  } else if (!settings.loss.classWeights.empty()) {
    loss.classWeights.assign(classLabels.size(), 1.0);  // classes not named keep weight 1
    for (const auto& [label, weight] : settings.loss.classWeights) {
      const auto found = std::find(classLabels.begin(), classLabels.end(), label);
      if (found == classLabels.end())
        throw Error("classification.class_weights names \"" + label +
                    "\", which is not one of the classes");
      loss.classWeights[static_cast<size_t>(found - classLabels.begin())] = weight;
    }
  }
  return loss;
}

StepPlan planSteps(const TrainingConfig& config, int64_t examples) {
  StepPlan plan;
  plan.batchSize = config.fullBatch ? std::max<int64_t>(1, examples) : config.batchSize;
  plan.accumulation = config.fullBatch ? 1 : config.gradientAccumulation;
  plan.perStep = plan.batchSize * plan.accumulation;
  plan.stepsPerEpoch = (examples + plan.perStep - 1) / plan.perStep;
  plan.totalSteps = config.maxSteps > 0 ? config.maxSteps : config.epochs * plan.stepsPerEpoch;
  return plan;
}

std::vector<size_t> epochOrder(size_t count, uint64_t seed, int64_t epoch) {
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 random(seed * 1000003ull + static_cast<uint64_t>(epoch));
  for (size_t i = count; i > 1; --i) std::swap(order[i - 1], order[random() % i]);
  return order;
}

StepGradients accumulateStepGradients(CausalLMImpl& model, torch::optim::Optimizer& optimizer,
                                      const std::vector<const TokenizedExample*>& stepExamples,
                                      int64_t batchSize,
                                      const ClassificationLoss* classification) {
  // Micro-batches first, so that the loss is normalised by the step's target tokens.
  const auto take = static_cast<int64_t>(stepExamples.size());
  std::vector<TrainingBatch> batches;
  StepGradients step;
  for (int64_t start = 0; start < take; start += batchSize) {
    std::vector<const TokenizedExample*> chunk(
        stepExamples.begin() + start, stepExamples.begin() + std::min(take, start + batchSize));
    batches.push_back(collate(chunk, torch::kCPU));
    step.targetTokens += batches.back().targetTokens;
    step.tokens += batches.back().tokens;
  }
  double normaliser = static_cast<double>(std::max<int64_t>(1, step.targetTokens));
  if (classification) {
    normaliser = 0;
    for (const auto* example : stepExamples) normaliser += classification->weightOf(example->classLabel);
  }
  clearGradients(optimizer);
  for (const auto& batch : batches) {
    const auto summed = classification
                            ? summedClassificationLoss(classifyBatch(model, batch),
                                                       batch.classLabels, *classification)
                            : summedTokenLoss(model, batch);
    const auto scaled = summed / normaliser;
    scaled.backward();
    step.loss += scaled.item<double>();
  }
  return step;
}

}  // namespace tunebench
