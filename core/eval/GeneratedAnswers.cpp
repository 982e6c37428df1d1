#include "eval/GeneratedAnswers.h"

#include <algorithm>

#include "common/Error.h"
#include "eval/AnswerExtraction.h"
#include "eval/ModelSourceLoading.h"
#include "eval/SampleStatistics.h"
#include "model/Generation.h"
#include "model/TextGeneration.h"
#include "tokenizer/Tokenizer.h"

namespace tunebench {

namespace {

const std::vector<std::string> kStopStrings = {"Question:", "</s>", "<|im_end|>"};

// The prompt's tokens, cut from the left so that the answer still fits the model's context.
std::vector<int64_t> promptIds(const TextEncoder& encoder, const std::string& prompt,
                               int64_t maxPositions, int64_t maxNewTokens) {
  std::vector<int64_t> ids;
  if (encoder.bosId >= 0) ids.push_back(encoder.bosId);
  for (int64_t id : encoder.encode(prompt)) ids.push_back(id);
  const int64_t room = maxPositions - maxNewTokens;
  if (maxPositions > 0 && room > 0 && static_cast<int64_t>(ids.size()) > room)
    ids.erase(ids.begin(), ids.end() - room);
  return ids;
}

std::string responseText(const Tokenizer& tokenizer, const std::vector<int64_t>& prompt,
                         std::vector<int64_t> generated, int64_t eosId) {
  if (!generated.empty() && generated.back() == eosId) generated.pop_back();
  StreamingDecoder decoder(tokenizer, prompt);
  for (int64_t id : generated) decoder.add(id);
  return cutAtStopStrings(decoder.text(), kStopStrings);
}

GenerationSettings greedySettings(const ChoiceBenchmarkSettings& settings,
                                  const TextEncoder& encoder) {
  GenerationSettings generation;
  generation.maxNewTokens = settings.maxNewTokens;
  if (encoder.eosId >= 0) generation.stopIds = {encoder.eosId};
  generation.stopStrings = kStopStrings;
  const auto tokenizer = encoder.tokenizer;
  generation.decode = [tokenizer](const std::vector<int64_t>& ids) {
    return tokenizer->decode(std::vector<int>(ids.begin(), ids.end()), true);
  };
  return generation;
}

EvaluatedItem itemOf(const ChoiceDocument& document, const std::string& response,
                     const Gsm8kItem& scored) {
  EvaluatedItem item;
  item.input = document.text;
  item.expected = document.choices.front();
  item.output = response;
  item.score = scored.strictCorrect ? 1.0 : 0.0;
  item.details = {{"strict_answer", scored.strictAnswer},
                  {"flexible_answer", scored.flexibleAnswer},
                  {"strict_match", scored.strictCorrect},
                  {"flexible_extract", scored.flexibleCorrect}};
  return item;
}

}  // namespace

std::string cutAtStopStrings(const std::string& response, const std::vector<std::string>& stops) {
  size_t cut = response.size();
  for (const auto& stop : stops)
    if (!stop.empty()) cut = std::min(cut, response.find(stop));
  return response.substr(0, cut);
}

EvaluatorResult evaluateGeneratedDocuments(const ModelSource& source, const std::string& task,
                                           const std::vector<ChoiceDocument>& documents,
                                           const std::vector<ChoiceDocument>* fewShotPool,
                                           const ChoiceBenchmarkSettings& settings,
                                           JobContext& context) {
  const auto questions = choicePromptsFor(task, documents, fewShotPool, settings);
  context.progress(0, 0, "loading " + source.describe());
  auto loaded = loadModelSource(source);
  loaded.model->eval();
  const auto encoder = encoderForModelFolder(source.modelFolder);
  if (!encoder.tokenizer) throw Error(source.modelFolder + ": no tokenizer to read answers with");
  const auto generation = greedySettings(settings, encoder);
  const int64_t maxPositions = loaded.model->config().maxPositions;

  std::vector<std::string> responses, references;
  const size_t batch = static_cast<size_t>(std::max<int64_t>(1, settings.scoring.batchSize));
  for (size_t from = 0; from < questions.size() && !context.isCanceled(); from += batch) {
    const size_t to = std::min(questions.size(), from + batch);
    std::vector<std::vector<int64_t>> prompts;
    for (size_t q = from; q < to; ++q)
      prompts.push_back(
          promptIds(encoder, questions[q].contextOf(0), maxPositions, settings.maxNewTokens));
    const auto generated = generate(*loaded.model, prompts, generation);
    for (size_t q = from; q < to; ++q) {
      responses.push_back(
          responseText(*encoder.tokenizer, prompts[q - from], generated[q - from], encoder.eosId));
      references.push_back(questions[q].choices.front());
    }
    context.progress(static_cast<int64_t>(to), static_cast<int64_t>(questions.size()),
                     "answered " + std::to_string(to) + " of " + std::to_string(questions.size()) +
                         " questions");
  }
  EvaluatorResult result;
  result.canceled = responses.size() < questions.size();
  if (responses.empty()) return result;
  const auto scores = gsm8kScores(responses, references);
  std::vector<double> strict, flexible;
  for (size_t q = 0; q < responses.size(); ++q) {
    strict.push_back(scores.items[q].strictCorrect ? 1.0 : 0.0);
    flexible.push_back(scores.items[q].flexibleCorrect ? 1.0 : 0.0);
    result.items.push_back(itemOf(documents[q], responses[q], scores.items[q]));
  }
  result.metrics = {{"exact_match,strict-match", mean(strict)},
                    {"exact_match,strict-match_stderr", meanStandardError(strict)},
                    {"exact_match,flexible-extract", mean(flexible)},
                    {"exact_match,flexible-extract_stderr", meanStandardError(flexible)},
                    {"questions", static_cast<double>(responses.size())}};
  return result;
}

}  // namespace tunebench
