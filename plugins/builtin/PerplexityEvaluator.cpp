#include "builtin/PerplexityEvaluator.h"

#include <filesystem>

#include "builtin/BenchmarkRecords.h"
#include "builtin/EvaluatorSettings.h"
#include "common/Error.h"
#include "common/JsonFile.h"
#include "eval/ClassifierSource.h"
#include "eval/RollingPerplexity.h"

namespace tunebench::builtin {

namespace {

bool isRecordFile(const std::string& path) {
  const auto extension = std::filesystem::path(path).extension().string();
  return extension == ".jsonl" || extension == ".ndjson" || extension == ".json" ||
         extension == ".JSONL" || extension == ".JSON";
}

std::vector<std::string> readTexts(const std::string& path, const std::string& field,
                                   JobContext& context) {
  if (!isRecordFile(path)) return {readTextFile(path)};
  std::vector<std::string> texts;
  for (const auto& record : readBenchmarkRecords(path, context)) {
    const auto found = record.fields.find(field);
    if (found == record.fields.end() || !found->is_string())
      throw Error(record.where + ": the field \"" + field + "\" is missing or not text");
    texts.push_back(found->get<std::string>());
  }
  return texts;
}

}  // namespace

bool PerplexityEvaluator::suits(const ModelSource& model) const {
  return classifierLabels(model).empty();
}

EvaluatorResult PerplexityEvaluator::evaluate(const EvaluatorRequest& request,
                                              JobContext& context) {
  const auto& settings = request.settings;
  RollingPerplexityOptions options;
  options.maxLength = countSetting(settings, "window_length", 0, 0);
  options.batchSize = countSetting(settings, "batch_size", options.batchSize, 1);
  options.cache = request.cache;
  const int64_t limit = countSetting(settings, "limit", 0, 0);
  context.progress(0, 0, "reading " + request.dataFile);
  auto texts = readTexts(request.dataFile, textSetting(settings, "text_field", "text"), context);
  if (context.isCanceled()) return {{}, {}, true};
  if (limit > 0 && static_cast<size_t>(limit) < texts.size())
    texts.resize(static_cast<size_t>(limit));
  return evaluateRollingPerplexity(request.model, texts, options, context);
}

nlohmann::json PerplexityEvaluator::scoringSettings(const nlohmann::json& settings) const {
  return {{"text_field", textSetting(settings, "text_field", "text")},
          {"window_length", countSetting(settings, "window_length", 0, 0)},
          {"limit", countSetting(settings, "limit", 0, 0)}};
}

}  // namespace tunebench::builtin
