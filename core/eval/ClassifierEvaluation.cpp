#include "eval/ClassifierEvaluation.h"

#include <algorithm>
#include <map>

#include "common/Error.h"
#include "common/TorchPch.h"
#include "data/JsonLinesRecords.h"
#include "eval/ModelSourceLoading.h"
#include "train/TrainingBatches.h"
#include "train/TrainingData.h"

namespace tunebench {

namespace {

void checkOptions(const ClassifierEvaluationOptions& options) {
  if (options.textField.empty() || options.labelField.empty())
    throw Error("classifier evaluation: name the text and the label fields");
  if (options.maxLength < 2) throw Error("classifier evaluation: max length must be at least 2");
  if (options.batchSize < 1) throw Error("classifier evaluation: batch size must be at least 1");
  if (options.maxExamples < 0)
    throw Error("classifier evaluation: max examples must not be negative");
}

struct ReadExample {
  TokenizedExample tokens;
  ClassifiedExample outcome;
};

// Every record tokenised by training's own code, with its line and text kept for the report.
std::vector<ReadExample> readExamples(const std::string& dataFile,
                                      const ClassifierEvaluationOptions& options,
                                      const std::vector<std::string>& labels,
                                      const TextEncoder& encoder) {
  DataConfig data;
  data.textField = options.textField;
  data.labelField = options.labelField;
  data.maxLength = options.maxLength;
  std::map<std::string, int64_t> classIndex;
  for (size_t i = 0; i < labels.size(); ++i) classIndex[labels[i]] = static_cast<int64_t>(i);
  std::vector<ReadExample> examples;
  int64_t line = 0;
  const auto limit = static_cast<size_t>(options.maxExamples);
  readJsonLinesObjects(
      dataFile,
      [&](const nlohmann::json& record, const std::string& where) {
        if (limit > 0 && examples.size() >= limit) return;
        auto tokens =
            tokenizeRecord(record, where, data, Objective::Classification, encoder, classIndex);
        if (!tokens.usable)
          throw Error(where + ": the text has no tokens and the tokenizer adds no BOS or EOS");
        ReadExample example;
        example.outcome.line = line;
        example.outcome.text = requiredTextField(record, options.textField, where);
        example.outcome.labelIndex = tokens.example.classLabel;
        example.outcome.label = labels[static_cast<size_t>(tokens.example.classLabel)];
        example.outcome.truncated = tokens.truncated;
        example.tokens = std::move(tokens.example);
        examples.push_back(std::move(example));
      },
      [&](const std::string&) { ++line; });
  if (examples.empty()) throw Error(dataFile + " has no examples");
  return examples;
}

}  // namespace

ClassifierEvaluationResult evaluateClassifier(const ModelSource& source,
                                              const std::string& dataFile,
                                              const ClassifierEvaluationOptions& options,
                                              JobContext* context) {
  checkOptions(options);
  if (context) context->progress(0, 0, "loading " + source.describe());
  auto loaded = loadModelSource(source);
  auto& model = *loaded.model;
  if (!model.isClassifier())
    throw Error(source.describe() +
                " is a language model, not a sequence classifier: evaluate it on "
                "prompt/response pairs instead");
  model.eval();
  ClassifierEvaluationResult result;
  result.labels = model.config().classLabels;
  if (context) context->progress(0, 0, "reading " + dataFile);
  const auto encoder = encoderForModelFolder(source.modelFolder);
  auto examples = readExamples(dataFile, options, result.labels, encoder);

  torch::NoGradGuard noGrad;
  const auto device = model.parameters().front().device();
  ConfusionMatrix confusion(result.labels.size());
  const size_t count = examples.size();
  const auto batchSize = static_cast<size_t>(options.batchSize);
  if (context) context->progress(0, static_cast<int64_t>(count), "classifying");
  for (size_t start = 0; start < count; start += batchSize) {
    if (context) {
      context->waitIfPaused();
      if (context->isCanceled()) {
        result.canceled = true;
        break;
      }
    }
    const size_t end = std::min(count, start + batchSize);
    std::vector<const TokenizedExample*> chunk;
    for (size_t i = start; i < end; ++i) chunk.push_back(&examples[i].tokens);
    // The class is training's argmax of the logits; its probability the softmax there.
    const auto logits = withContext(
        "classifying examples " + std::to_string(start + 1) + "–" + std::to_string(end), [&] {
          return classifyBatch(model, collate(chunk, device)).to(torch::kCPU, torch::kFloat64);
        });
    const auto bestIndex = logits.argmax(-1);
    const auto bestProbability =
        torch::softmax(logits, -1).gather(1, bestIndex.unsqueeze(1)).squeeze(1);
    for (size_t i = start; i < end; ++i) {
      auto& outcome = examples[i].outcome;
      const auto row = static_cast<int64_t>(i - start);
      outcome.predictedIndex = bestIndex[row].item<int64_t>();
      outcome.predicted = result.labels[static_cast<size_t>(outcome.predictedIndex)];
      outcome.probability = bestProbability[row].item<double>();
      outcome.correct = outcome.predictedIndex == outcome.labelIndex;
      confusion.add(outcome.labelIndex, outcome.predictedIndex);
      if (outcome.truncated) ++result.truncated;
      result.outcomes.push_back(std::move(outcome));
    }
    if (context)
      context->progress(static_cast<int64_t>(end), static_cast<int64_t>(count),
                        "classified " + std::to_string(end) + " of " + std::to_string(count));
  }
  result.metrics = confusion.metrics();
  result.confusion = confusion.rows();
  return result;
}

}  // namespace tunebench
