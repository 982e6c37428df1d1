#include "demo/DemoRun.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "common/FolderDigest.h"
#include "common/Sha256.h"
#include "data/JsonLinesRecords.h"
#include "demo/DemoDatasets.h"
#include "demo/DemoReport.h"
#include "demo/StarterModel.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/ChoiceBenchmark.h"
#include "eval/Evaluation.h"
#include "eval/EvaluationJob.h"
#include "export/ExportFolder.h"
#include "jobs/JobContext.h"
#include "model/ModelConfig.h"
#include "model/ModelFingerprint.h"
#include "store/ArtifactRepository.h"
#include "store/DatasetVersions.h"
#include "store/EvaluationRepository.h"
#include "store/MetricRepository.h"
#include "store/ProjectDatasetImport.h"
#include "store/ProjectStore.h"
#include "train/RecordedTraining.h"
#include "train/Trainer.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMarkerFile = "tunebench-demo.json";
constexpr int kStages = 8;

void stage(JobContext& context, int number, const std::string& text) {
  context.log(LogLevel::Info,
              "Demo " + std::to_string(number) + "/" + std::to_string(kStages) + ": " + text);
}

// Creates the demo folder, or empties one an earlier demo made when asked to replace it.
void prepareFolder(const DemoOptions& options) {
  const fs::path folder(options.folder);
  if (fs::exists(folder) && !fs::is_empty(folder)) {
    if (!fs::exists(folder / kMarkerFile))
      throw Error(folder.string() +
                  " is not empty and was not made by the demo; choose another "
                  "folder");
    if (!options.replace)
      throw Error(folder.string() + " already holds a demo; replace it with --replace");
    for (const auto& entry : fs::directory_iterator(folder)) fs::remove_all(entry.path());
  }
  fs::create_directories(folder);
  writeFileAtomically(folder / kMarkerFile, nlohmann::json{{"seed", options.seed}}.dump() + "\n");
}

struct PreparedDataset {
  int64_t finalVersionId = 0;
  DemoDatasetSummary summary;
};

PreparedDataset prepareDataset(store::ProjectStore& project, DatasetImporter& importer,
                               const fs::path& file, const std::string& name,
                               const nlohmann::json& recipeJson, const store::SplitRequest& split,
                               JobContext& context) {
  PreparedDataset prepared;
  prepared.summary.name = name;
  store::ProjectImportRequest request;
  request.options.path = file.string();
  request.options.settings = nlohmann::json::object();
  request.name = name;
  const auto imported = store::importIntoProject(project, importer, request, context);
  if (imported.canceled) return prepared;
  prepared.summary.importedRows = imported.records;
  const auto cleaned = store::cleanVersion(project, imported.versionId,
                                           CleaningRecipe::fromJson(recipeJson), context);
  if (cleaned.canceled) return prepared;
  prepared.summary.cleaning = cleaned.reports;
  prepared.summary.cleanRows = cleaned.version.recordCount;
  ProfileOptions profileOptions;
  profileOptions.bins = 24;
  prepared.summary.profile =
      store::profileVersion(project, cleaned.version.id, profileOptions, context);
  const auto splitVersion = store::splitVersion(project, cleaned.version.id, split, context);
  for (const auto& [splitName, count] :
       store::DatasetRepository(project).splitCounts(splitVersion.id))
    prepared.summary.splits[splitName] = count;
  prepared.finalVersionId = splitVersion.id;
  return prepared;
}

void copyFolder(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::create_directories(to.parent_path());
  fs::copy(from, to, fs::copy_options::recursive);
}

std::vector<std::pair<double, double>> series(store::ProjectStore& project, int64_t runId,
                                              const std::string& key) {
  std::vector<std::pair<double, double>> points;
  for (const auto& point : store::MetricRepository(project).points(runId, key))
    points.emplace_back(static_cast<double>(point.step), point.value);
  return points;
}

// The demo's multiple-choice suite as the benchmark evaluation scores it with the Evaluate
// stage's defaults (task detected from the fields, no few-shot examples).
std::vector<ChoiceDocument> readChoiceSuite(const fs::path& file) {
  std::vector<ChoiceDocument> documents;
  readJsonLinesObjects(file.string(), [&](const nlohmann::json& record, const std::string& where) {
    documents.push_back(readChoiceDocument("multiple_choice", record, where));
  });
  return documents;
}

DemoChoiceFigures choiceFigures(const EvaluatorResult& result) {
  DemoChoiceFigures figures;
  for (const auto& [name, value] : result.metrics) {
    if (name == "acc") figures.accuracy = value;
    if (name == "acc_stderr") figures.standardError = value;
    if (name == "questions") figures.questions = static_cast<int64_t>(value);
  }
  return figures;
}

}  // namespace

std::string demoProjectFile(const std::string& folder) {
  return (fs::path(folder) / "demo.tbproj").string();
}

bool isDemoComplete(const std::string& folder) {
  const fs::path root(folder);
  return fs::exists(root / kMarkerFile) && fs::exists(demoProjectFile(folder)) &&
         fs::exists(root / "report" / "report.md");
}

std::optional<DemoOutcome> runDemo(const DemoOptions& options, DatasetImporter& jsonlImporter,
                                   JobContext& context) {
  if (options.folder.empty()) throw Error("the demo needs a folder");
  const auto started = std::chrono::steady_clock::now();
  prepareFolder(options);
  const fs::path folder(options.folder);
  DemoOutcome outcome;
  DemoReportData report;

  stage(context, 1, "the starter model");
  const std::string starter = ensureStarterModel(context, options.starterFolder);
  if (starter.empty()) return std::nullopt;
  report.starterFolder = starter;

  stage(context, 2, "writing the demo datasets");
  const fs::path data = folder / "data";
  fs::create_directories(data);
  const auto instructionCounts = writeDemoInstructionDataset(
      (data / "arithmetic-and-units.jsonl").string(), options.seed, options.instructionRows);
  const auto classificationCounts = writeDemoClassificationDataset(
      (data / "reviews.jsonl").string(), options.seed, options.instructionRows / 3);
  const auto preferenceCounts = writeDemoPreferenceDataset(
      (data / "answer-preferences.jsonl").string(), options.seed, options.instructionRows / 4);
  const fs::path choiceSuite = data / "arithmetic-choice.jsonl";
  writeDemoChoiceSuite(choiceSuite.string(), options.seed, 40);
  report.dirtyRows =
      instructionCounts.dirtyRows + classificationCounts.dirtyRows + preferenceCounts.dirtyRows;

  stage(context, 3, "importing, cleaning, profiling and splitting");
  outcome.projectFile = demoProjectFile(options.folder);
  int64_t instructionVersion = 0;
  int64_t starterModelId = 0;
  {
    auto project = store::ProjectStore::create(outcome.projectFile);
    // The model the demo trains is the project's model, as if chosen in the Model panel.
    const fs::path starterPath(starter);
    starterModelId = store::ModelRepository(project).add(
        starterPath.filename().string(), starterPath,
        loadModelConfig((starterPath / "config.json").string()).architecture,
        modelFolderFingerprint(starter));
    const nlohmann::json textRecipe = {{"steps",
                                        {{{"id", "whitespace"}},
                                         {{"id", "drop-empty"}},
                                         {{"id", "pii"}},
                                         {{"id", "exact-dedup"}}}}};
    store::SplitRequest split;
    split.seed = options.seed;
    auto instruction = prepareDataset(project, jsonlImporter, data / "arithmetic-and-units.jsonl",
                                      "arithmetic-and-units", textRecipe, split, context);
    if (!instruction.finalVersionId) return std::nullopt;
    instructionVersion = instruction.finalVersionId;
    store::SplitRequest stratified = split;
    stratified.method = "stratified";
    auto reviews = prepareDataset(project, jsonlImporter, data / "reviews.jsonl", "reviews",
                                  textRecipe, stratified, context);
    if (!reviews.finalVersionId) return std::nullopt;
    auto preferences = prepareDataset(project, jsonlImporter, data / "answer-preferences.jsonl",
                                      "answer-preferences", textRecipe, split, context);
    if (!preferences.finalVersionId) return std::nullopt;
    report.datasets = {instruction.summary, reviews.summary, preferences.summary};
    for (const char* splitName : {"train", "validation", "test"})
      store::exportVersion(project, instructionVersion, splitName,
                           data / (std::string(splitName) + ".jsonl"), PromptPreset::Alpaca,
                           context);
  }
  if (context.isCanceled()) return std::nullopt;

  stage(context, 4, "evaluating the starter model on the test split");
  const auto testExamples = loadEvalExamples((data / "test.jsonl").string());
  outcome.testExamples = static_cast<int64_t>(testExamples.size());
  // The evaluator's defaults, as the Evaluate stage evaluates: the same evaluation of the runs a
  // user trains next is recognised as this one (by the file's content and these settings).
  const EvaluationOptions evaluation;
  report.before = evaluateModelFolder(starter, "", testExamples, evaluation, &context);
  if (context.isCanceled()) return std::nullopt;
  const auto choiceDocuments = readChoiceSuite(choiceSuite);
  const ChoiceBenchmarkSettings choiceSettings;
  const auto choiceBefore = evaluateChoiceDocuments(
      {starter, "", {}}, "multiple_choice", choiceDocuments, nullptr, choiceSettings, context);
  if (context.isCanceled()) return std::nullopt;

  stage(context, 5, "training LoRA");
  TrainingConfig config;
  config.modelFolder = starter;
  config.outputFolder = (folder / "runs" / "demo-lora").string();
  config.objective = Objective::Sft;
  config.data.trainPath = (data / "train.jsonl").string();
  config.data.validationPath = (data / "validation.jsonl").string();
  config.data.maxLength = 128;
  config.optimizer.kind = OptimizerKind::AdamW;
  config.optimizer.learningRate = 3e-3;
  config.schedule.kind = ScheduleKind::Cosine;
  config.schedule.warmupSteps = std::min<int64_t>(20, options.trainSteps);
  config.batchSize = 16;
  config.maxSteps = options.trainSteps;
  config.evalEvery = std::max<int64_t>(1, options.trainSteps / 6);
  config.seed = options.seed;
  config.threads = options.threads;
  config.keepCheckpoints = 1;
  config.method.kind = MethodKind::Lora;
  config.method.lora.r = 16;
  config.method.lora.alpha = 32;
  config.method.lora.targets = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                "gate_proj", "up_proj", "down_proj"};
  // The report names the settings a reader would change first; the run records all of them.
  report.trainingSettings = {{"method", fileNameOf(methodNames(), config.method.kind)},
                             {"r", config.method.lora.r},
                             {"alpha", config.method.lora.alpha},
                             {"targets", config.method.lora.targets},
                             {"lr", config.optimizer.learningRate},
                             {"batch_size", config.batchSize},
                             {"max_steps", config.maxSteps}};
  RecordedTrainingJob training(outcome.projectFile, config, "demo LoRA");
  training.run(context);
  outcome.runId = training.runId();
  const auto& trained = training.result();
  if (trained.stopReason != StopReason::Completed) {
    if (context.isCanceled()) return std::nullopt;
    throw Error(std::string("demo training ended early: ") + stopReasonName(trained.stopReason));
  }

  stage(context, 6, "evaluating the fine-tuned model");
  report.after =
      evaluateModelFolder(trained.finalModelFolder, "", testExamples, evaluation, &context);
  if (context.isCanceled()) return std::nullopt;
  const auto choiceAfter =
      evaluateChoiceDocuments({trained.finalModelFolder, "", {}}, "multiple_choice",
                              choiceDocuments, nullptr, choiceSettings, context);
  if (context.isCanceled()) return std::nullopt;
  report.choiceBefore = choiceFigures(choiceBefore);
  report.choiceAfter = choiceFigures(choiceAfter);

  stage(context, 7, "exporting the merged model and the adapter");
  outcome.mergedFolder = (folder / "export" / "merged").string();
  outcome.adapterFolder = (folder / "export" / "adapter").string();
  copyFolder(trained.finalModelFolder, outcome.mergedFolder);
  copyFolder(trained.adapterFolder, outcome.adapterFolder);
  {
    auto project = store::ProjectStore::open(outcome.projectFile);
    // Recorded as the Evaluate stage records them: the starter model's evaluation is the model's
    // own (no version's), the fine-tuned one the run's.
    store::NewEvaluation ofTestSplit;
    ofTestSplit.suite = "test.jsonl";
    ofTestSplit.dataSha256 = sha256OfFile((data / "test.jsonl").string());
    ofTestSplit.evaluator = "generation";
    ofTestSplit.settings = generationScoringSettings("prompt", "response", evaluation).dump();
    store::NewEvaluation ofStarter = ofTestSplit;
    ofStarter.modelId = starterModelId;
    recordEvaluation(project, ofStarter, report.before);
    store::NewEvaluation ofRun = ofTestSplit;
    ofRun.runId = outcome.runId;
    recordEvaluation(project, ofRun, report.after);
    store::NewEvaluation ofChoiceSuite;
    ofChoiceSuite.suite = choiceSuite.filename().string();
    ofChoiceSuite.dataSha256 = sha256OfFile(choiceSuite.string());
    ofChoiceSuite.evaluator = "benchmark";
    ofChoiceSuite.settings = choiceScoringSettings(choiceSettings).dump();
    ofChoiceSuite.modelId = starterModelId;
    recordEvaluatorResult(project, ofChoiceSuite, choiceBefore);
    ofChoiceSuite.modelId = std::nullopt;
    ofChoiceSuite.runId = outcome.runId;
    recordEvaluatorResult(project, ofChoiceSuite, choiceAfter);
    store::ExportRepository exports(project);
    // Recorded as the Export stage records its exports: format and the digest of the folder.
    exports.add(outcome.runId, std::nullopt, "merged", outcome.mergedFolder,
                folderSha256(outcome.mergedFolder));
    exports.add(outcome.runId, std::nullopt, "adapter", outcome.adapterFolder,
                folderSha256(outcome.adapterFolder));
    report.loss = series(project, outcome.runId, "loss");
    report.validationLoss = series(project, outcome.runId, "val_loss");
    report.learningRate = series(project, outcome.runId, "lr");
  }

  stage(context, 8, "writing the report");
  outcome.accuracyBefore = report.before.exactMatch;
  outcome.accuracyAfter = report.after.exactMatch;
  outcome.perplexityBefore = report.before.perplexity;
  outcome.perplexityAfter = report.after.perplexity;
  outcome.choiceAccuracyBefore = report.choiceBefore.accuracy;
  outcome.choiceAccuracyAfter = report.choiceAfter.accuracy;
  outcome.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.seconds = outcome.seconds;
  report.steps = trained.steps;
  report.projectFile = outcome.projectFile;
  report.mergedFolder = outcome.mergedFolder;
  report.adapterFolder = outcome.adapterFolder;
  outcome.reportFile = writeDemoReport((folder / "report").string(), report);
  return outcome;
}

}  // namespace tunebench
