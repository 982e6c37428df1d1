#include "train/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "common/TorchPch.h"
#include "common/Version.h"
#include "model/ModelFingerprint.h"
#include "system/ResidentMemory.h"
#include "system/SystemInfo.h"
#include "train/Checkpoint.h"
#include "train/CheckpointList.h"
#include "train/Diagnosis.h"
#include "train/HalfFineTuning.h"
#include "train/LearningRateSchedule.h"
#include "train/Optimizers.h"
#include "train/TokenCache.h"
#include "train/TrainingObjective.h"
#include "train/TrainingOutputs.h"
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

void writeJson(const fs::path& path, const nlohmann::json& json) {
  writeFileAtomically(path, json.dump(2) + "\n");
}

// What a run writes into its output folder; a folder holding only these is a run's own.
const char* const kRunOutputEntries[] = {
    "run.json",  "half-fine-tuning.json", "checkpoints", "final", "adapter", "final.partial",
    "final.old", "adapter.partial",       "adapter.old"};

// A run writes into a new or empty folder, or one a run made: never over a user's files (their
// config named run.json), into a model folder, or at a filesystem root.
void refuseForeignOutputFolder(const TrainingConfig& c) {
  if (c.outputFolder.empty()) throw Error("the output folder is empty: name a folder for the run");
  const fs::path output = fs::absolute(c.outputFolder).lexically_normal();
  if (output == output.root_path() || output.relative_path().empty())
    throw Error(c.outputFolder + " is a filesystem root: choose a folder for the run's output");
  std::error_code ec;
  if (!c.modelFolder.empty() && fs::equivalent(output, c.modelFolder, ec))
    throw Error(c.outputFolder + " is the model folder " + c.modelFolder +
                ": choose another output folder, so that the model is not overwritten");
  if (!fs::is_directory(output, ec)) {
    if (fs::exists(output, ec))
      throw Error(c.outputFolder +
                  " is a file, not a folder: choose a folder for the run's output");
    return;
  }
  std::vector<std::string> foreign;
  for (const auto& entry : fs::directory_iterator(output, ec)) {
    const std::string name = entry.path().filename().string();
    if (std::find(std::begin(kRunOutputEntries), std::end(kRunOutputEntries), name) ==
        std::end(kRunOutputEntries))
      foreign.push_back(name);
  }
  // A run.json the user wrote (a config) is not a run's record.
  const fs::path record = output / "run.json";
  if (fs::exists(record, ec)) {
    try {
      if (!readJsonFile(record.string()).contains("tunebench")) foreign.push_back("run.json");
    } catch (const Error&) {
      foreign.push_back("run.json");
    }
  }
  if (foreign.empty()) return;
  std::sort(foreign.begin(), foreign.end());
  std::string names;
  for (size_t i = 0; i < foreign.size() && i < 3; ++i) names += (i ? ", " : "") + foreign[i];
  if (foreign.size() > 3) names += " and " + std::to_string(foreign.size() - 3) + " more";
  throw Error(c.outputFolder + " holds files that are not a run's (" + names +
              "): choose a new or empty output folder, so that nothing of yours is overwritten");
}

// The software and settings a run started with: <output>/run.json.
void recordEnvironment(const TrainingConfig& config, const fs::path& path) {
  const auto info = collectSystemInfo(false);
  writeJson(path, {{"tunebench", kVersion},
                   {"libtorch", info.torchVersion},
                   {"threads", info.intraOpThreads},
                   {"blas", info.blas.library + " " + info.blas.detail},
                   {"cuda", info.cudaAvailable},
                   {"device", "cpu"},
                   {"config", trainingConfigToJson(config)}});
}

// Half fine-tuning: the optimiser covers every layer unit; each round lets its half train.
class HalfRounds {
 public:
  HalfRounds(CausalLMImpl& model, const TrainingConfig& c, int64_t totalSteps)
      : plan_(model, c.method.halfRounds > 0 ? c.method.halfRounds : std::max<int64_t>(2, c.epochs),
              totalSteps, c.seed) {
    plan_.trainEveryUnit(model);
  }
  const HalfFineTuningPlan& plan() const { return plan_; }
  // Lets the round of `step` train; logs a change of round.
  void enter(CausalLMImpl& model, int64_t step, JobContext& context) {
    if (plan_.roundAt(step) == current_) return;
    current_ = plan_.roundAt(step);
    plan_.apply(model, current_);
    context.log(LogLevel::Info, "half fine-tuning round " + std::to_string(current_ + 1) + " of " +
                                    std::to_string(plan_.rounds().size()) + ": " +
                                    std::to_string(plan_.rounds()[current_].trainable.size()) +
                                    " units train");
  }
  // Checkpoints hold every unit the optimiser covers, not only this round's half.
  template <typename Save>
  void withEveryUnit(CausalLMImpl& model, Save save) {
    plan_.trainEveryUnit(model);
    save();
    if (current_ != SIZE_MAX) plan_.apply(model, current_);
  }

 private:
  HalfFineTuningPlan plan_;
  size_t current_ = SIZE_MAX;  // the round whose half trains now
};

// One run of the loop, phase by phase: prepare data, build the model and method, restore or
// start, the step loop with validation and checkpoints, then the outputs.
class TrainingSession {
 public:
  TrainingSession(const TrainingConfig& config, bool resume, const TrainerHooks& hooks,
                  JobContext& context, TrainingResult& result)
      : c_(config),
        resume_(resume),
        hooks_(hooks),
        context_(context),
        result_(result),
        output_(config.outputFolder),
        checkpoints_((output_ / "checkpoints").string()),
        objective_(makeTrainingObjective(config)) {}

  void run() {
    checkOutputFolder();
    prepareData();
    buildModel();
    restoreOrStart();
    loop();
    finish();
  }

 private:
  void checkOutputFolder();
  void prepareData();
  void buildModel();
  void restoreOrStart();
  void loop();
  std::vector<size_t> nextStepExamples();
  bool runStep();
  void reportStep(double loss, const ObjectiveStep& step, double gradNorm, double learningRate,
                  double stepSeconds, size_t examples);
  bool validate();
  void saveCheckpoint();
  std::string readNewestReadableCheckpoint();
  void finish();

  const TrainingConfig& c_;
  const bool resume_;
  const TrainerHooks& hooks_;
  JobContext& context_;
  TrainingResult& result_;
  const fs::path output_;
  const std::string checkpoints_;
  std::unique_ptr<TrainingObjective> objective_;

  std::optional<std::string> existing_;  // the checkpoint to resume from
  std::optional<PreparedModel> prepared_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::optional<HalfRounds> half_;
  StepPlan plan_;
  TrainerState state_;
  TrainingDiagnosis diagnosis_;
  std::vector<size_t> order_;  // this epoch's visiting order
  int64_t lastCheckpointStep_ = -1;
  int64_t firstStep_ = 0;
  Clock::time_point started_;
};

void TrainingSession::checkOutputFolder() {
  refuseForeignOutputFolder(c_);
  existing_ = latestCheckpoint(checkpoints_);
  if (!resume_ && existing_)
    throw Error(c_.outputFolder +
                " already holds checkpoints of a run; resume it, or choose another output folder");
  if (resume_ && !existing_)
    throw Error(c_.outputFolder + " has no complete checkpoint to resume from");
  fs::create_directories(output_);
}

void TrainingSession::prepareData() {
  const TokenCache tokenCache(TokenCache::defaultFolder());
  const auto encoder = encoderForModelFolder(c_.modelFolder);
  objective_->loadData(encoder, c_.data.tokenCache ? &tokenCache : nullptr, context_);
  plan_ = planSteps(c_, objective_->trainingExamples());
  // Warm-up longer than the run would never reach the chosen learning rate.
  if (c_.schedule.warmupSteps > plan_.totalSteps)
    throw Error("schedule.warmup_steps is " + std::to_string(c_.schedule.warmupSteps) +
                ", more than the run's " + std::to_string(plan_.totalSteps) +
                " steps: the learning rate would never reach optimizer.lr");
}

void TrainingSession::buildModel() {
  context_.progress(0, 0, "loading " + c_.modelFolder);
  // Adapters come after the seed is set, so their initial values are the same in every run of
  // the config (a resume then overwrites them from the checkpoint).
  torch::manual_seed(c_.seed);
  prepared_.emplace(prepareModelForTraining(c_, context_, objective_->headLabels()));
  auto& model = prepared_->model();
  objective_->attach(model, context_);
  if (c_.method.kind == MethodKind::Half) {
    half_.emplace(model, c_, plan_.totalSteps);
    prepared_->trainable.clear();
    prepared_->trainableParameters = 0;
    for (const auto& parameter : model.parameters())
      if (parameter.requires_grad()) {
        prepared_->trainable.push_back(parameter);
        prepared_->trainableParameters += parameter.numel();
      }
    writeJson(output_ / "half-fine-tuning.json", half_->plan().toJson());
    context_.log(LogLevel::Info,
                 "half fine-tuning: " + std::to_string(half_->plan().rounds().size()) +
                     " rounds over " + std::to_string(half_->plan().unitCount()) +
                     " layer units; each round trains about half of every block "
                     "(half-fine-tuning.json lists them)");
  }
  optimizer_ = makeOptimizer(c_.optimizer, model);
  context_.log(LogLevel::Info,
               "trainable parameters: " + std::to_string(prepared_->trainableParameters) + " of " +
                   std::to_string(prepared_->totalParameters) +
                   (half_ ? " (half of them train in each round)" : ""));
}

void TrainingSession::restoreOrStart() {
  // A 10 GB base model takes a while to hash the first time: progress and Cancel apply.
  const std::string baseFingerprint = modelFolderFingerprint(c_.modelFolder, &context_);
  if (baseFingerprint.empty()) throw Canceled("fingerprinting " + c_.modelFolder);
  if (resume_) {
    existing_ = readNewestReadableCheckpoint();
    if (state_.datasetFingerprint != objective_->dataFingerprint())
      throw Error("cannot resume from " + *existing_ +
                  ": the training data or its settings changed "
                  "since the run started (dataset fingerprint differs)");
    if (state_.baseModelFingerprint != baseFingerprint)
      throw Error("cannot resume from " + *existing_ + ": the base model in " + c_.modelFolder +
                  " changed since the run started");
    diagnosis_.restore(state_.diagnosis);
    lastCheckpointStep_ = state_.step;
    context_.log(LogLevel::Info, "resuming at step " + std::to_string(state_.step));
  } else {
    state_.datasetFingerprint = objective_->dataFingerprint();
    state_.baseModelFingerprint = baseFingerprint;
    recordEnvironment(c_, output_ / "run.json");
  }
  // A metric rather than only a log line, so that runs can be compared by it.
  context_.metric(state_.step, "trainable_parameters",
                  static_cast<double>(prepared_->trainableParameters));
}

void TrainingSession::loop() {
  started_ = Clock::now();
  firstStep_ = state_.step;
  result_.stopReason = StopReason::Completed;
  order_ = epochOrder(static_cast<size_t>(objective_->trainingExamples()), c_.seed, state_.epoch);
  while (state_.step < plan_.totalSteps) {
    if (hooks_.beforeStep) hooks_.beforeStep(state_.step);
    context_.waitIfPaused();
    if (context_.isCanceled()) {
      result_.stopReason = StopReason::Stopped;
      return;
    }
    if (!runStep()) return;  // non-finite: nothing more is saved

    bool stop = false;
    const bool epochEnded = state_.position >= objective_->trainingExamples();
    if (epochEnded) {
      ++state_.epoch;
      state_.position = 0;
      order_ = epochOrder(order_.size(), c_.seed, state_.epoch);
    }
    if (epochEnded || (c_.evalEvery > 0 && state_.step % c_.evalEvery == 0)) stop = validate();
    if (c_.checkpointEvery > 0 && state_.step % c_.checkpointEvery == 0 &&
        lastCheckpointStep_ != state_.step)
      saveCheckpoint();
    if (stop) {
      result_.stopReason = StopReason::EarlyStopping;
      return;
    }
  }
}

std::vector<size_t> TrainingSession::nextStepExamples() {
  const int64_t take = std::min(plan_.perStep, objective_->trainingExamples() - state_.position);
  std::vector<size_t> examples;
  examples.reserve(static_cast<size_t>(take));
  for (int64_t i = 0; i < take; ++i)
    examples.push_back(order_[static_cast<size_t>(state_.position + i)]);
  return examples;
}

// One optimiser step; false when its loss or gradient is not finite (the run pauses).
bool TrainingSession::runStep() {
  auto& model = prepared_->model();
  if (half_) half_->enter(model, state_.step, context_);
  const auto stepStart = Clock::now();
  const auto examples = nextStepExamples();
  const auto step = objective_->accumulate(model, *optimizer_, examples, plan_.batchSize);
  if (hooks_.afterBackward) hooks_.afterBackward(state_.step, model);
  const double gradNorm = torch::nn::utils::clip_grad_norm_(
      prepared_->trainable,
      c_.maxGradNorm > 0 ? c_.maxGradNorm : std::numeric_limits<double>::infinity());
  if (!std::isfinite(step.loss) || !std::isfinite(gradNorm)) {
    // Nothing of this step reaches the weights; the last checkpoint stays the last good one.
    clearGradients(*optimizer_);
    const char* what = std::isfinite(step.loss) ? "gradient" : "loss";
    context_.event("non-finite", state_.step + 1, state_.step + 1,
                   std::string(std::isfinite(step.loss) ? "gradient norm" : "loss") +
                       " is not finite; the step was not applied and training paused. Lower the "
                       "learning rate or check the data, then resume from the last checkpoint.");
    context_.log(LogLevel::Error, "training paused at step " + std::to_string(state_.step + 1) +
                                      ": non-finite " + what);
    result_.stopReason = StopReason::NonFiniteLoss;
    return false;
  }
  const double learningRate =
      learningRateAt(c_.schedule, c_.optimizer.learningRate, state_.step, plan_.totalSteps);
  setLearningRate(*optimizer_, learningRate);
  optimizer_->step();
  ++state_.step;
  state_.position += static_cast<int64_t>(examples.size());
  result_.lastLoss = step.loss;
  const double stepSeconds = std::chrono::duration<double>(Clock::now() - stepStart).count();
  reportStep(step.loss, step, gradNorm, learningRate, stepSeconds, examples.size());
  return true;
}

void TrainingSession::reportStep(double loss, const ObjectiveStep& step, double gradNorm,
                                 double learningRate, double stepSeconds, size_t examples) {
  const int64_t s = state_.step;
  const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  const double eta =
      elapsed / static_cast<double>(s - firstStep_) * static_cast<double>(plan_.totalSteps - s);
  context_.metric(s, "loss", loss);
  context_.metric(s, "lr", learningRate);
  context_.metric(s, "grad_norm", gradNorm);
  for (const auto& metric : step.metrics) context_.metric(s, metric.key, metric.value);
  context_.metric(s, "tokens_per_second", static_cast<double>(step.tokens) / stepSeconds);
  context_.metric(s, "samples_per_second", static_cast<double>(examples) / stepSeconds);
  context_.metric(s, "elapsed_seconds", elapsed);
  context_.metric(s, "eta_seconds", eta);
  context_.metric(s, "rss_mb", static_cast<double>(residentBytes()) / (1024.0 * 1024.0));
  context_.metric(
      s, "epoch",
      static_cast<double>(state_.epoch) + static_cast<double>(state_.position) /
                                              static_cast<double>(objective_->trainingExamples()));
  char text[160];
  std::snprintf(text, sizeof text, "step %lld/%lld, loss %.4f, lr %.3g, ETA %s",
                static_cast<long long>(s), static_cast<long long>(plan_.totalSteps), loss,
                learningRate, formatSeconds(eta).c_str());
  context_.progress(s, plan_.totalSteps, text);
  for (const auto& event : diagnosis_.addTrainingLoss(s, loss))
    context_.event(event.kind, event.fromStep, event.toStep,
                   event.message + "; " + event.suggestion);
}

// Returns true when early stopping ends the run.
bool TrainingSession::validate() {
  if (!objective_->hasValidation()) return false;
  auto& model = prepared_->model();
  model.eval();
  const auto report = objective_->validate(model, std::max<int64_t>(1, c_.batchSize));
  model.train();
  const double loss = report.loss;
  context_.metric(state_.step, "val_loss", loss);
  for (const auto& metric : report.metrics) context_.metric(state_.step, metric.key, metric.value);
  for (const auto& event : diagnosis_.addValidationLoss(state_.step, loss))
    context_.event(event.kind, event.fromStep, event.toStep,
                   event.message + "; " + event.suggestion);
  if (loss < state_.bestValidationLoss - c_.earlyStoppingMinDelta) {
    state_.bestValidationLoss = loss;
    state_.bestStep = state_.step;
    state_.evaluationsWithoutImprovement = 0;
    saveCheckpoint();  // the best checkpoint is kept through rotation
  } else {
    ++state_.evaluationsWithoutImprovement;
  }
  return c_.earlyStoppingPatience > 0 &&
         state_.evaluationsWithoutImprovement >= c_.earlyStoppingPatience;
}

// The newest checkpoint that reads back; a damaged newer one (a disk error, a file cut short) is
// named in the log and skipped rather than ending the resume.
std::string TrainingSession::readNewestReadableCheckpoint() {
  const auto all = completeCheckpoints(checkpoints_);
  std::string problems;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    try {
      state_ = readCheckpoint(it->second, prepared_->model(), *optimizer_);
      if (!problems.empty())
        context_.log(LogLevel::Warning, "resuming from the checkpoint of step " +
                                            std::to_string(it->first) + " instead: " + problems);
      return it->second;
    } catch (const Canceled&) {
      throw;
    } catch (const std::exception& e) {
      problems += std::string(problems.empty() ? "" : "; ") + "the checkpoint of step " +
                  std::to_string(it->first) + " cannot be read (" + e.what() + ")";
    }
  }
  throw Error("cannot resume from " + c_.outputFolder + ": " +
              (problems.empty() ? std::string("it has no complete checkpoint") : problems));
}

void TrainingSession::saveCheckpoint() {
  state_.diagnosis = diagnosis_.save();
  auto& model = prepared_->model();
  auto write = [&] {
    result_.lastCheckpoint =
        writeCheckpoint(checkpoints_, model, *optimizer_, state_, trainingConfigToJson(c_));
  };
  try {
    if (half_)
      half_->withEveryUnit(model, write);
    else
      write();
  } catch (const Error& e) {
    // A full disk must not leave the user guessing what survived.
    throw Error(std::string(e.what()) + "; " +
                (lastCheckpointStep_ >= 0
                     ? "the last good checkpoint is step " + std::to_string(lastCheckpointStep_)
                     : std::string("no checkpoint of this run was written yet")));
  }
  rotateCheckpoints(checkpoints_, c_.keepCheckpoints, state_.bestStep);
  lastCheckpointStep_ = state_.step;
}

void TrainingSession::finish() {
  result_.steps = state_.step;
  if (result_.stopReason == StopReason::NonFiniteLoss) return;
  if (lastCheckpointStep_ != state_.step) saveCheckpoint();
  result_.bestValidationLoss =
      std::isfinite(state_.bestValidationLoss) ? state_.bestValidationLoss : std::nan("");
  if (result_.finished())
    saveTrainingOutputs(prepared_->model(), c_, objective_->headLabels(), context_, result_);
  context_.progress(state_.step, plan_.totalSteps,
                    std::string("training ") + stopReasonName(result_.stopReason));
}

}  // namespace

Trainer::Trainer(TrainingConfig config, bool resume)
    : config_(std::move(config)), resume_(resume) {}

void Trainer::run(JobContext& context) {
  result_ = {};
  setIntraOpThreads(config_.threads);
  torch::manual_seed(config_.seed);
  TrainingSession session(config_, resume_, hooks, context, result_);
  try {
    session.run();
  } catch (const Canceled&) {
    // Canceled while reading data or loading the model: nothing was trained or written.
    result_.stopReason = StopReason::Stopped;
    context.progress(0, 0, "training stopped before its first step");
  }
}

}  // namespace tunebench
