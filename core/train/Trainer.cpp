#include "train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common/Error.h"
#include "common/Sha256.h"
#include "common/TorchPch.h"
#include "common/Version.h"
#include "model/CheckpointFolder.h"
#include "model/ModelFolder.h"
#include "peft/BottleneckAdapters.h"
#include "peft/LoraModel.h"
#include "peft/PeftAdapterFiles.h"
#include "peft/PromptTuning.h"
#include "peft/QloraModel.h"
#include "system/ResidentMemory.h"
#include "system/SystemInfo.h"
#include "train/Checkpoint.h"
#include "train/Diagnosis.h"
#include "train/HalfFineTuning.h"
#include "train/LearningRateSchedule.h"
#include "train/Optimizers.h"
#include "train/TokenCache.h"
#include "train/TrainingBatches.h"
#include "train/TrainingData.h"
#include "train/TrainingSetup.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::string formatSeconds(double seconds) {
  const long total = static_cast<long>(seconds + 0.5);
  char text[32];
  std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  return text;
}

void recordEnvironment(const TrainingConfig& config, const std::string& path) {
  const auto info = collectSystemInfo(false);
  nlohmann::json environment{{"tunebench", kVersion},
                             {"libtorch", info.torchVersion},
                             {"threads", info.intraOpThreads},
                             {"blas", info.blas.library + " " + info.blas.detail},
                             {"cuda", info.cudaAvailable},
                             {"device", "cpu"},
                             {"config", config.raw}};
  std::ofstream(path) << environment.dump(2) << "\n";
}

void saveUnmergeableAdapter(const CausalLMImpl& model, const TrainingConfig& c,
                            const std::string& folder) {
  if (c.method.kind == MethodKind::PromptTuning)
    savePromptTuningAdapter(model, c.method.promptTuning, folder, c.modelFolder);
  else
    saveBottleneckAdapters(model, c.method.bottleneck, folder, c.modelFolder);
}

}  // namespace

std::string modelFolderFingerprint(const std::string& folder) {
  Sha256 hash;
  std::vector<std::string> files = {(fs::path(folder) / "config.json").string()};
  const CheckpointFolder checkpoint(folder);
  for (const auto& file : checkpoint.files()) files.push_back(file);
  for (const auto& file : files)
    hash.update(fs::path(file).filename().string() + ":" + sha256OfFile(file) + "\n");
  return hash.hexDigest();
}

Trainer::Trainer(TrainingConfig config, bool resume)
    : config_(std::move(config)), resume_(resume) {}

void Trainer::run(JobContext& context) {
  const auto& c = config_;
  setIntraOpThreads(c.threads);
  torch::manual_seed(c.seed);
  const fs::path output(c.outputFolder);
  const std::string checkpoints = (output / "checkpoints").string();
  const auto existing = latestCheckpoint(checkpoints);
  if (!resume_ && existing)
    throw Error(c.outputFolder +
                " already holds checkpoints of a run; resume it, or choose "
                "another output folder");
  if (resume_ && !existing)
    throw Error(c.outputFolder + " has no complete checkpoint to resume from");
  fs::create_directories(output);

  context.progress(0, 0, "loading " + c.modelFolder);
  // Adapters come after the seed is set, so their initial values are the same in every run of
  // the config (a resume then overwrites them from the checkpoint).
  const bool classification = c.objective == Objective::Classification;
  const auto classLabels = resolveClassLabels(c);
  auto prepared = prepareModelForTraining(c, context, classLabels);
  auto& model = prepared.model();
  const auto encoder = encoderForModelFolder(c.modelFolder);
  context.progress(0, 0, "tokenising " + c.data.trainPath);
  const TokenCache tokenCache(TokenCache::defaultFolder());
  const TokenCache* cache = c.data.tokenCache ? &tokenCache : nullptr;
  const auto train =
      loadTrainingDataset(c.data.trainPath, c.data, c.objective, encoder, cache, classLabels);
  TrainingDataset validation;
  if (!c.data.validationPath.empty())
    validation = loadTrainingDataset(c.data.validationPath, c.data, c.objective, encoder, cache,
                                     classLabels);
  std::optional<ClassificationLoss> classificationLoss;
  if (classification) {
    classificationLoss = classificationLossFor(c, classLabels, train.examples);
    const auto counts = classCounts(train.examples, classLabels.size());
    std::string summary;
    for (size_t i = 0; i < classLabels.size(); ++i) {
      char weight[32] = "";
      if (!classificationLoss->classWeights.empty())
        std::snprintf(weight, sizeof weight, ", weight %.3g", classificationLoss->classWeights[i]);
      summary += (i ? "; " : "") + classLabels[i] + ": " + std::to_string(counts[i]) + weight;
    }
    context.log(LogLevel::Info, std::string("classes (training examples") +
                                    (classificationLoss->classWeights.empty() ? "" : ", loss weight") +
                                    "): " + summary +
                                    (classificationLoss->focal ? "; focal loss" : ""));
  }
  if (train.fromCache)
    context.log(LogLevel::Info, "tokens of " + c.data.trainPath + " read from the token cache (" +
                                    tokenCache.folder().string() + ")");
  if (train.truncated > 0)
    context.log(LogLevel::Warning, std::to_string(train.truncated) +
                                       " training examples were cut at " +
                                       std::to_string(c.data.maxLength) + " tokens");
  // An example cut inside its prompt has nothing left to learn from; if all are, every step
  // would report a loss of 0 and train nothing.
  const auto withoutTargets = std::count_if(
      train.examples.begin(), train.examples.end(), [](const TokenizedExample& example) {
        return std::all_of(example.labels.begin() + std::min<size_t>(1, example.labels.size()),
                           example.labels.end(),
                           [](int64_t label) { return label == kIgnoredLabel; });
      });
  if (!classification && withoutTargets == static_cast<std::ptrdiff_t>(train.examples.size()))
    throw Error(c.data.trainPath + ": no example keeps a token to learn from after the cut at " +
                std::to_string(c.data.maxLength) +
                " tokens (the prompts fill it); raise data.max_length or shorten the prompts");
  if (!classification && withoutTargets > 0)
    context.log(LogLevel::Warning,
                std::to_string(withoutTargets) +
                    " training examples keep no response token after the cut at " +
                    std::to_string(c.data.maxLength) +
                    " tokens and teach nothing; raise data.max_length");
  const std::string baseFingerprint = modelFolderFingerprint(c.modelFolder);

  const int64_t examples = static_cast<int64_t>(train.examples.size());
  const auto plan = planSteps(c, examples);
  const int64_t batchSize = plan.batchSize;
  const int64_t perStep = plan.perStep;
  const int64_t totalSteps = plan.totalSteps;

  // Half fine-tuning: the optimiser covers every layer unit; each round then lets its half train.
  std::optional<HalfFineTuningPlan> half;
  if (c.method.kind == MethodKind::Half) {
    const int64_t rounds =
        c.method.halfRounds > 0 ? c.method.halfRounds : std::max<int64_t>(2, c.epochs);
    half.emplace(model, rounds, totalSteps, c.seed);
    half->trainEveryUnit(model);
    prepared.trainable.clear();
    prepared.trainableParameters = 0;
    for (const auto& parameter : model.parameters())
      if (parameter.requires_grad()) {
        prepared.trainable.push_back(parameter);
        prepared.trainableParameters += parameter.numel();
      }
    std::ofstream((output / "half-fine-tuning.json").string()) << half->toJson().dump(2) << "\n";
    context.log(LogLevel::Info, "half fine-tuning: " + std::to_string(half->rounds().size()) +
                                    " rounds over " + std::to_string(half->unitCount()) +
                                    " layer units; each round trains about half of every block "
                                    "(half-fine-tuning.json lists them)");
  }
  auto optimizer = makeOptimizer(c.optimizer, model);
  const auto& trainable = prepared.trainable;
  context.log(LogLevel::Info,
              "trainable parameters: " + std::to_string(prepared.trainableParameters) + " of " +
                  std::to_string(prepared.totalParameters) +
                  (half ? " (half of them train in each round)" : ""));

  TrainerState state;
  TrainingDiagnosis diagnosis;
  if (resume_) {
    state = readCheckpoint(*existing, model, *optimizer);
    if (state.datasetFingerprint != train.fingerprint)
      throw Error("cannot resume from " + *existing +
                  ": the training data or its settings changed "
                  "since the run started (dataset fingerprint differs)");
    if (state.baseModelFingerprint != baseFingerprint)
      throw Error("cannot resume from " + *existing + ": the base model in " + c.modelFolder +
                  " changed since the run started");
    diagnosis.restore(state.diagnosis);
    context.log(LogLevel::Info, "resuming at step " + std::to_string(state.step));
  } else {
    state.datasetFingerprint = train.fingerprint;
    state.baseModelFingerprint = baseFingerprint;
    recordEnvironment(c, (output / "run.json").string());
  }
  // A metric rather than only a log line, so that runs can be compared by it.
  context.metric(state.step, "trainable_parameters",
                 static_cast<double>(prepared.trainableParameters));

  size_t halfRound = SIZE_MAX;  // the round whose half trains now
  auto saveCheckpoint = [&] {
    state.diagnosis = diagnosis.save();
    // Checkpoints hold every unit the optimiser covers, not only this round's half.
    if (half) half->trainEveryUnit(model);
    result_.lastCheckpoint = writeCheckpoint(checkpoints, model, *optimizer, state, c.raw);
    if (half && halfRound != SIZE_MAX) half->apply(model, halfRound);
    rotateCheckpoints(checkpoints, c.keepCheckpoints, state.bestStep);
  };
  int64_t lastCheckpointStep = resume_ ? state.step : -1;
  auto report = [&](const std::vector<DiagnosisEvent>& events) {
    for (const auto& event : events)
      context.event(event.kind, event.fromStep, event.toStep,
                    event.message + "; " + event.suggestion);
  };
  // Returns true when early stopping ends the run.
  auto validate = [&]() -> bool {
    if (validation.examples.empty()) return false;
    model.eval();
    double loss = 0;
    if (classification) {
      const auto score = evaluateClassification(model, validation.examples,
                                                std::max<int64_t>(1, c.batchSize), *classificationLoss);
      loss = score.loss;
      context.metric(state.step, "val_accuracy", score.accuracy);
      context.metric(state.step, "val_macro_f1", score.macroF1);
    } else {
      loss = evaluateLoss(model, validation.examples, std::max<int64_t>(1, c.batchSize));
    }
    model.train();
    context.metric(state.step, "val_loss", loss);
    if (!classification) context.metric(state.step, "val_perplexity", std::exp(loss));
    report(diagnosis.addValidationLoss(state.step, loss));
    if (loss < state.bestValidationLoss - c.earlyStoppingMinDelta) {
      state.bestValidationLoss = loss;
      state.bestStep = state.step;
      state.evaluationsWithoutImprovement = 0;
      saveCheckpoint();  // the best checkpoint is kept through rotation
      lastCheckpointStep = state.step;
    } else {
      ++state.evaluationsWithoutImprovement;
    }
    return c.earlyStoppingPatience > 0 &&
           state.evaluationsWithoutImprovement >= c.earlyStoppingPatience;
  };

  const auto started = Clock::now();
  const int64_t firstStep = state.step;
  result_.stopReason = "completed";
  auto order = epochOrder(train.examples.size(), c.seed, state.epoch);
  while (state.step < totalSteps) {
    context.waitIfPaused();
    if (context.isCanceled()) {
      result_.stopReason = "stopped";
      break;
    }
    if (half && half->roundAt(state.step) != halfRound) {
      halfRound = half->roundAt(state.step);
      half->apply(model, halfRound);
      context.log(LogLevel::Info, "half fine-tuning round " + std::to_string(halfRound + 1) +
                                      " of " + std::to_string(half->rounds().size()) + ": " +
                                      std::to_string(half->rounds()[halfRound].trainable.size()) +
                                      " units train");
    }
    const auto stepStart = Clock::now();
    const int64_t take = std::min(perStep, examples - state.position);
    std::vector<const TokenizedExample*> stepExamples;
    for (int64_t i = 0; i < take; ++i)
      stepExamples.push_back(&train.examples[order[static_cast<size_t>(state.position + i)]]);

    const auto gradients =
        accumulateStepGradients(model, *optimizer, stepExamples, batchSize,
                                classificationLoss ? &*classificationLoss : nullptr);
    const double loss = gradients.loss;
    const int64_t tokens = gradients.tokens;
    if (afterBackward) afterBackward(state.step, model);
    const double gradNorm = torch::nn::utils::clip_grad_norm_(
        trainable, c.maxGradNorm > 0 ? c.maxGradNorm : std::numeric_limits<double>::infinity());
    if (!std::isfinite(loss) || !std::isfinite(gradNorm)) {
      // Nothing of this step reaches the weights; the last checkpoint stays the last good one.
      clearGradients(*optimizer);
      context.event("non-finite", state.step + 1, state.step + 1,
                    std::string(std::isfinite(loss) ? "gradient norm" : "loss") +
                        " is not finite; the step was not applied and training paused. Lower the "
                        "learning rate or check the data, then resume from the last checkpoint.");
      context.log(LogLevel::Error, "training paused at step " + std::to_string(state.step + 1) +
                                       ": non-finite " +
                                       (std::isfinite(loss) ? "gradient" : "loss"));
      result_.stopReason = "non-finite loss";
      result_.steps = state.step;
      return;
    }
    const double learningRate =
        learningRateAt(c.schedule, c.optimizer.learningRate, state.step, totalSteps);
    setLearningRate(*optimizer, learningRate);
    optimizer->step();
    ++state.step;
    state.position += take;
    result_.lastLoss = loss;

    const double stepSeconds = std::chrono::duration<double>(Clock::now() - stepStart).count();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const double eta = elapsed / static_cast<double>(state.step - firstStep) *
                       static_cast<double>(totalSteps - state.step);
    context.metric(state.step, "loss", loss);
    context.metric(state.step, "lr", learningRate);
    context.metric(state.step, "grad_norm", gradNorm);
    context.metric(state.step, "tokens_per_second", static_cast<double>(tokens) / stepSeconds);
    context.metric(state.step, "samples_per_second", static_cast<double>(take) / stepSeconds);
    context.metric(state.step, "elapsed_seconds", elapsed);
    context.metric(state.step, "eta_seconds", eta);
    context.metric(state.step, "rss_mb", static_cast<double>(residentBytes()) / (1024.0 * 1024.0));
    context.metric(state.step, "epoch",
                   static_cast<double>(state.epoch) +
                       static_cast<double>(state.position) / static_cast<double>(examples));
    char text[160];
    std::snprintf(text, sizeof text, "step %lld/%lld, loss %.4f, lr %.3g, ETA %s",
                  static_cast<long long>(state.step), static_cast<long long>(totalSteps), loss,
                  learningRate, formatSeconds(eta).c_str());
    context.progress(state.step, totalSteps, text);
    report(diagnosis.addTrainingLoss(state.step, loss));

    bool stop = false;
    const bool epochEnded = state.position >= examples;
    if (epochEnded) {
      ++state.epoch;
      state.position = 0;
      order = epochOrder(train.examples.size(), c.seed, state.epoch);
    }
    if (epochEnded || (c.evalEvery > 0 && state.step % c.evalEvery == 0)) stop = validate();
    if (c.checkpointEvery > 0 && state.step % c.checkpointEvery == 0 &&
        lastCheckpointStep != state.step) {
      saveCheckpoint();
      lastCheckpointStep = state.step;
    }
    if (stop) {
      result_.stopReason = "early stopping";
      break;
    }
  }
  if (lastCheckpointStep != state.step) saveCheckpoint();
  result_.steps = state.step;
  result_.bestValidationLoss =
      std::isfinite(state.bestValidationLoss) ? state.bestValidationLoss : std::nan("");
  if (result_.stopReason != "stopped" && c.method.addsUnmergeableModules()) {
    model.eval();
    result_.adapterFolder = (output / "adapter").string();
    saveUnmergeableAdapter(model, c, result_.adapterFolder);
    context.log(LogLevel::Info,
                std::string(c.method.kind == MethodKind::PromptTuning ? "prompt tuning"
                                                                      : "bottleneck adapters") +
                    " cannot be merged into the base weights, so " + (output / "final").string() +
                    " holds no merged model: use the adapter in " + result_.adapterFolder +
                    " on the base model " + c.modelFolder);
  } else if (result_.stopReason != "stopped") {
    model.eval();
    if (c.method.usesAdapters()) {
      result_.adapterFolder = (output / "adapter").string();
      savePeftAdapter(model, result_.adapterFolder, c.method.lora.adapterName, c.modelFolder);
    }
    result_.finalModelFolder = (output / "final").string();
    SaveOptions save;
    save.tokenizerSourceFolder = c.modelFolder;
    if (c.method.quantizesBase()) {
      // As with PEFT: the adapter is merged into the full-precision base, not the NF4 one.
      context.progress(state.step, totalSteps, "merging the adapter into the full-precision base");
      auto fullPrecision = loadModelFolder(c.modelFolder);
      if (classification && !fullPrecision.model->isClassifier())
        fullPrecision.model->attachClassificationHead(classLabels, c.seed);  // weights: the adapter's
      loadPeftAdapter(*fullPrecision.model, result_.adapterFolder, c.method.lora.adapterName);
      mergeAndUnloadLora(*fullPrecision.model);
      saveModelFolder(*fullPrecision.model, result_.finalModelFolder, save);
    } else {
      if (c.method.usesAdapters()) mergeAndUnloadLora(model);
      saveModelFolder(model, result_.finalModelFolder, save);
    }
  }
  context.progress(state.step, totalSteps, "training " + result_.stopReason);
}

}  // namespace tunebench
