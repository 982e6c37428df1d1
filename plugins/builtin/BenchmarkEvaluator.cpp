#include "builtin/BenchmarkEvaluator.h"

#include <algorithm>

#include "builtin/BenchmarkRecords.h"
#include "builtin/EvaluatorSettings.h"
#include "common/Error.h"
#include "eval/ChoiceBenchmark.h"
#include "eval/ClassifierSource.h"
#include "eval/GeneratedAnswers.h"

namespace tunebench::builtin {

namespace {

ChoiceBenchmarkSettings readSettings(const nlohmann::json& settings) {
  ChoiceBenchmarkSettings read;
  read.task = textSetting(settings, "task", read.task);
  if (read.task != "auto") choiceTask(read.task);  // names the known tasks when unknown
  read.fewShot = static_cast<size_t>(countSetting(settings, "num_fewshot", 0, 0));
  read.fewShotSeed = static_cast<uint64_t>(countSetting(settings, "fewshot_seed", 1234, 0));
  const auto file = settings.find("fewshot_file");
  if (file != settings.end() && file->is_string() && read.fewShot > 0)
    read.fewShotFile = file->get<std::string>();
  read.limit = countSetting(settings, "limit", 0, 0);
  read.maxNewTokens = countSetting(settings, "max_gen_toks", read.maxNewTokens, 1);
  read.scoring.batchSize = countSetting(settings, "batch_size", read.scoring.batchSize, 1);
  read.scoring.sharedContexts = flagSetting(settings, "shared_contexts", true);
  read.columns.question = textSetting(settings, "question_field", read.columns.question);
  read.columns.choices = textSetting(settings, "choices_field", read.columns.choices);
  read.columns.answer = textSetting(settings, "answer_field", read.columns.answer);
  return read;
}

std::string fieldNames(const nlohmann::json& record) {
  std::string names;
  if (record.is_object())
    for (const auto& [name, value] : record.items()) names += (names.empty() ? "" : ", ") + name;
  return names;
}

std::string resolveTask(const std::string& task, const BenchmarkRecord& first,
                        const std::string& path) {
  if (task != "auto") return task;
  const auto detected = detectChoiceTask(first.fields);
  if (!detected)
    throw Error(path + ": its fields (" + fieldNames(first.fields) +
                ") match no known benchmark layout; choose the task, or name the question, "
                "choices and answer fields of a multiple_choice task");
  // ARC's two sets share one layout; the hub names their files after the set.
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (*detected == "arc_easy" && lower.find("challenge") != std::string::npos)
    return "arc_challenge";
  return *detected;
}

std::vector<ChoiceDocument> readDocuments(const std::string& task,
                                          const std::vector<BenchmarkRecord>& records,
                                          const ChoiceColumns& columns, JobContext& context) {
  std::vector<ChoiceDocument> documents;
  documents.reserve(records.size());
  for (const auto& record : records) {
    if (context.isCanceled()) break;
    documents.push_back(readChoiceDocument(task, record.fields, record.where, columns));
  }
  return documents;
}

}  // namespace

bool BenchmarkEvaluator::suits(const ModelSource& model) const {
  return classifierLabels(model).empty();
}

EvaluatorResult BenchmarkEvaluator::evaluate(const EvaluatorRequest& request, JobContext& context) {
  auto settings = readSettings(request.settings);
  settings.scoring.cache = request.cache;  // scores and generated answers alike
  context.progress(0, 0, "reading " + request.dataFile);
  const auto records = readBenchmarkRecords(request.dataFile, context);
  if (context.isCanceled()) return {{}, {}, true};
  const std::string task = resolveTask(settings.task, records.front(), request.dataFile);
  context.log(LogLevel::Info, request.dataFile + " holds " + choiceTask(task).displayName + " (" +
                                  std::to_string(records.size()) + " questions)");
  const auto documents = readDocuments(task, records, settings.columns, context);
  std::vector<ChoiceDocument> fewShotPool;
  if (!settings.fewShotFile.empty())
    fewShotPool = readDocuments(task, readBenchmarkRecords(settings.fewShotFile, context),
                                settings.columns, context);
  if (context.isCanceled()) return {{}, {}, true};
  const auto* pool = settings.fewShotFile.empty() ? nullptr : &fewShotPool;
  if (choiceTask(task).generated)
    return evaluateGeneratedDocuments(request.model, task, documents, pool, settings, context);
  return evaluateChoiceDocuments(request.model, task, documents, pool, settings, context);
}

nlohmann::json BenchmarkEvaluator::scoringSettings(const nlohmann::json& settings) const {
  return choiceScoringSettings(readSettings(settings));
}

}  // namespace tunebench::builtin
