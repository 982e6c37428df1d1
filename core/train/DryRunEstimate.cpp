#include "train/DryRunEstimate.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <optional>
#include <random>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "model/MemoryEstimate.h"
#include "model/ModelConfig.h"
#include "system/ResidentMemory.h"
#include "system/SystemInfo.h"
#include "train/LearningRateSchedule.h"
#include "train/Optimizers.h"
#include "train/TrainingSetup.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Rows of exactly `length` random tokens that all carry loss: the most a step can hold.
std::vector<TokenizedExample> syntheticRows(int64_t count, int64_t length, int64_t vocab,
                                            uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<TokenizedExample> rows(static_cast<size_t>(count));
  for (auto& row : rows) {
    row.ids.resize(static_cast<size_t>(length));
    for (auto& id : row.ids) id = static_cast<int64_t>(random() % static_cast<uint64_t>(vocab));
    row.labels = row.ids;
  }
  return rows;
}

// The `count` longest examples: the step that needs the most memory.
std::vector<const TokenizedExample*> longestExamples(const std::vector<TokenizedExample>& examples,
                                                     int64_t count) {
  std::vector<const TokenizedExample*> all;
  for (const auto& example : examples) all.push_back(&example);
  const auto take = std::min<size_t>(all.size(), static_cast<size_t>(count));
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(take), all.end(),
                    [](const auto* a, const auto* b) { return a->ids.size() > b->ids.size(); });
  all.resize(take);
  return all;
}

TrainingMemory formulaFor(const TrainingConfig& config) {
  const auto modelConfig = loadModelConfig((fs::path(config.modelFolder) / "config.json").string());
  const auto estimate = estimateMemory(modelConfig, config.method.lora.r);
  // Prompt tuning and bottleneck adapters: like LoRA, a frozen base with few trainable values.
  const char* wanted = config.method.kind == MethodKind::Lora ||
                               config.method.addsUnmergeableModules()
                           ? "LoRA"
                       : config.method.kind == MethodKind::Dora ? "DoRA"
                                                                : "Full fine-tuning";
  for (const auto& method : estimate.training)
    if (method.method == wanted) return method;
  return estimate.training.front();
}

}  // namespace

DryRunEstimate estimateTrainingRun(const TrainingConfig& c, JobContext& context,
                                   const DryRunOptions& options) {
  DryRunEstimate estimate;
  const int64_t timedSteps = std::max<int64_t>(1, options.timedSteps);
  const int64_t phases = 3 + timedSteps;  // load, data, warm-up, timed steps
  try {
    context.progress(0, phases, "loading " + c.modelFolder);
    setIntraOpThreads(c.threads);
    releaseFreeHeapMemory();
    estimate.residentBeforeBytes = residentBytes();
    torch::manual_seed(c.seed);
    const bool haveFile = !c.data.trainPath.empty() && fs::is_regular_file(c.data.trainPath);
    const bool classification = c.objective == Objective::Classification;
    // Without the file a classifier's classes are unknown; two stand in, the cost is the same.
    std::vector<std::string> classLabels;
    if (classification)
      classLabels = haveFile || !c.classification.labels.empty()
                        ? resolveClassLabels(c)
                        : std::vector<std::string>{"class 0", "class 1"};
    auto prepared = prepareModelForTraining(c, context, classLabels);
    auto& model = prepared.model();
    estimate.trainableParameters = prepared.trainableParameters;
    estimate.totalParameters = prepared.totalParameters;
    auto optimizer = makeOptimizer(c.optimizer, model);
    if (context.isCanceled()) return estimate;

    // The batches: the training file's as the trainer reads it, or synthetic full-length rows.
    std::vector<TokenizedExample> synthetic;
    TrainingDataset train;
    const std::vector<TokenizedExample>* examples = nullptr;
    StepPlan plan;
    std::optional<ClassificationLoss> classificationLoss;
    if (haveFile) {
      context.progress(1, phases, "tokenising " + c.data.trainPath);
      train = loadTrainingDataset(c.data.trainPath, c.data, c.objective,
                                  encoderForModelFolder(c.modelFolder), nullptr, classLabels);
      if (train.examples.empty())
        throw Error(c.data.trainPath + ": no training examples; add records to the file");
      if (classification) classificationLoss = classificationLossFor(c, classLabels, train.examples);
      examples = &train.examples;
      plan = planSteps(c, static_cast<int64_t>(train.examples.size()));
      estimate.trainingExamples = static_cast<int64_t>(train.examples.size());
      estimate.truncatedExamples = train.truncated;
      estimate.totalSteps = plan.totalSteps;
      estimate.dataNote = "real batches from " + c.data.trainPath +
                          " (the warm-up step takes the longest examples, the timed steps "
                          "follow the training order)";
    } else {
      const auto& modelConfig = model.config();
      int64_t length = c.data.maxLength;
      if (modelConfig.maxPositions > 0) length = std::min(length, modelConfig.maxPositions);
      StepPlan syntheticPlan = planSteps(c, c.batchSize * c.gradientAccumulation);
      synthetic = syntheticRows(syntheticPlan.perStep, length, modelConfig.vocabSize, c.seed);
      if (classification) {
        for (size_t i = 0; i < synthetic.size(); ++i)
          synthetic[i].classLabel = static_cast<int64_t>(i % classLabels.size());
        classificationLoss.emplace();
        classificationLoss->focal = c.classification.loss.loss == LossBalancing::Loss::Focal;
        classificationLoss->focalGamma = c.classification.loss.focalGamma;
      }
      examples = &synthetic;
      plan = syntheticPlan;
      estimate.syntheticBatches = true;
      estimate.totalSteps = c.maxSteps;  // without the file, only max_steps says how many
      estimate.dataNote =
          (c.data.trainPath.empty() ? std::string("no training file is set")
                                    : "the training file " + c.data.trainPath + " does not exist") +
          ", so the steps ran on synthetic rows of " + std::to_string(length) +
          " random tokens (the most a row can hold)";
    }
    estimate.batchSize = plan.batchSize;
    estimate.gradientAccumulation = plan.accumulation;
    estimate.maxLength = c.data.maxLength;
    if (context.isCanceled()) return estimate;

    // Steps: the first picks the longest examples and is not timed (allocations, optimiser
    // state); the timed ones take the examples in the order the run visits them.
    const auto order = epochOrder(examples->size(), c.seed, 0);
    size_t cursor = 0;
    auto nextStepExamples = [&] {
      std::vector<const TokenizedExample*> step;
      for (int64_t i = 0; i < plan.perStep; ++i)
        step.push_back(&(*examples)[order[cursor++ % order.size()]]);
      return step;
    };
    const int64_t runSteps = std::max<int64_t>(1, estimate.totalSteps);
    int64_t stepIndex = 0;
    int64_t timedTokens = 0;
    double timedSeconds = 0;
    auto runStep = [&](const std::vector<const TokenizedExample*>& stepExamples) {
      for (const auto* example : stepExamples)
        estimate.longestRow =
            std::max<int64_t>(estimate.longestRow, static_cast<int64_t>(example->ids.size()));
      const auto gradients =
          accumulateStepGradients(model, *optimizer, stepExamples, plan.batchSize,
                                  classificationLoss ? &*classificationLoss : nullptr);
      torch::nn::utils::clip_grad_norm_(
          prepared.trainable,
          c.maxGradNorm > 0 ? c.maxGradNorm : std::numeric_limits<double>::infinity());
      setLearningRate(*optimizer,
                      learningRateAt(c.schedule, c.optimizer.learningRate, stepIndex++, runSteps));
      optimizer->step();
      return gradients.tokens;
    };

    ResidentPeakMeter meter;
    meter.start();
    context.progress(2, phases, "warm-up step (not timed)");
    runStep(longestExamples(*examples, plan.perStep));
    for (int64_t i = 0; i < timedSteps; ++i) {
      if (context.isCanceled()) break;
      context.progress(3 + i, phases,
                       "timed step " + std::to_string(i + 1) + " of " + std::to_string(timedSteps));
      const auto stepExamples = nextStepExamples();
      const auto started = Clock::now();
      timedTokens += runStep(stepExamples);
      const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      timedSeconds += seconds;
      estimate.fastestStepSeconds =
          estimate.timedSteps == 0 ? seconds : std::min(estimate.fastestStepSeconds, seconds);
      estimate.slowestStepSeconds = std::max(estimate.slowestStepSeconds, seconds);
      ++estimate.timedSteps;
    }
    estimate.peakResidentBytes = meter.stop();
    estimate.memoryMethod = meter.method();
    if (estimate.timedSteps < timedSteps) return estimate;

    estimate.meanStepSeconds = timedSeconds / static_cast<double>(estimate.timedSteps);
    estimate.tokensPerSecond =
        timedSeconds > 0 ? static_cast<double>(timedTokens) / timedSeconds : 0;
    if (estimate.totalSteps > 0)
      estimate.estimatedTrainingSeconds =
          static_cast<double>(estimate.totalSteps) * estimate.meanStepSeconds;
    const auto formula = formulaFor(c);
    estimate.formulaMethod = formula.method;
    estimate.formulaAssumptions = formula.assumptions;
    estimate.formulaBytes = formula.totalBytes();
    estimate.completed = true;
    context.progress(phases, phases, "estimate ready");
    return estimate;
  } catch (const Canceled&) {
    return estimate;  // canceled while the model loaded: nothing measured
  } catch (const c10::Error& e) {
    throw Error("estimating " + c.modelFolder + ": " + e.what_without_backtrace());
  }
}

}  // namespace tunebench
