#include "eval/GeneratedAnswers.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/Error.h"
#include "common/Sha256.h"
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

// The answers found in the cache (nullptr: none) and the questions still to answer.
struct CachedAnswers {
  std::vector<std::optional<std::string>> responses;  // one per question
  std::vector<std::string> keys;                      // empty without a cache
  std::vector<size_t> pending;
};

CachedAnswers lookUpAnswers(CausalLMImpl& model, const std::vector<std::vector<int64_t>>& prompts,
                            const GenerationSettings& generation, EvaluationCache* cache,
                            JobContext& context) {
  CachedAnswers answers;
  answers.responses.resize(prompts.size());
  const auto identity = cache ? computedModelIdentity(cache->modelIdentity(), model) : "";
  if (!identity.empty()) {
    for (const auto& prompt : prompts)
      answers.keys.push_back(generatedAnswerKey(identity, prompt, generation.maxNewTokens,
                                                generation.stopIds, generation.stopStrings));
    const auto found = cache->findAnswers(answers.keys);
    size_t hits = 0;
    for (size_t q = 0; q < prompts.size() && q < found.size(); ++q) {
      if (!found[q]) continue;
      answers.responses[q] = found[q];
      ++hits;
    }
    context.log(LogLevel::Info, std::to_string(hits) + " of " + std::to_string(prompts.size()) +
                                    " answers from " + cache->description());
  }
  for (size_t q = 0; q < prompts.size(); ++q)
    if (!answers.responses[q]) answers.pending.push_back(q);
  return answers;
}

// Metrics and items of the answered questions, in the documents' order.
EvaluatorResult scoreAnswers(const std::vector<ChoiceDocument>& documents,
                             const std::vector<ChoiceQuestion>& questions,
                             const std::vector<std::optional<std::string>>& answered) {
  std::vector<size_t> which;
  std::vector<std::string> responses, references;
  for (size_t q = 0; q < answered.size(); ++q) {
    if (!answered[q]) continue;
    which.push_back(q);
    responses.push_back(*answered[q]);
    references.push_back(questions[q].choices.front());
  }
  EvaluatorResult result;
  result.canceled = responses.size() < questions.size();
  if (responses.empty()) return result;
  const auto scores = gsm8kScores(responses, references);
  std::vector<double> strict, flexible;
  for (size_t r = 0; r < responses.size(); ++r) {
    strict.push_back(scores.items[r].strictCorrect ? 1.0 : 0.0);
    flexible.push_back(scores.items[r].flexibleCorrect ? 1.0 : 0.0);
    result.items.push_back(itemOf(documents[which[r]], responses[r], scores.items[r]));
  }
  result.metrics = {{"exact_match,strict-match", mean(strict)},
                    {"exact_match,strict-match_stderr", meanStandardError(strict)},
                    {"exact_match,flexible-extract", mean(flexible)},
                    {"exact_match,flexible-extract_stderr", meanStandardError(flexible)},
                    {"questions", static_cast<double>(responses.size())}};
  return result;
}

}  // namespace

std::string cutAtStopStrings(const std::string& response, const std::vector<std::string>& stops) {
  size_t cut = response.size();
  for (const auto& stop : stops)
    if (!stop.empty()) cut = std::min(cut, response.find(stop));
  return response.substr(0, cut);
}

std::string generatedAnswerKey(const std::string& modelIdentity, const std::vector<int64_t>& prompt,
                               int64_t maxNewTokens, const std::vector<int64_t>& stopIds,
                               const std::vector<std::string>& stopStrings) {
  std::string text =
      "generated answer\n" + modelIdentity + "\n" + std::to_string(prompt.size()) + ":";
  for (int64_t id : prompt) text += std::to_string(id) + ",";
  text += "\nmax " + std::to_string(maxNewTokens) + "\n" + std::to_string(stopIds.size()) + ":";
  for (int64_t id : stopIds) text += std::to_string(id) + ",";
  text += "\n" + std::to_string(stopStrings.size()) + ":";
  for (const auto& stop : stopStrings) text += std::to_string(stop.size()) + ":" + stop;
  return sha256Hex(text);
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
  std::vector<std::vector<int64_t>> prompts;
  for (size_t q = 0; q < questions.size() && !context.isCanceled(); ++q)
    prompts.push_back(
        promptIds(encoder, questions[q].contextOf(0), maxPositions, settings.maxNewTokens));
  if (context.isCanceled()) return {{}, {}, true};

  auto answers = lookUpAnswers(*loaded.model, prompts, generation, settings.scoring.cache, context);
  size_t done = questions.size() - answers.pending.size();
  const size_t batch = static_cast<size_t>(std::max<int64_t>(1, settings.scoring.batchSize));
  for (size_t from = 0; from < answers.pending.size() && !context.isCanceled(); from += batch) {
    const std::vector<size_t> which(
        answers.pending.begin() + from,
        answers.pending.begin() + std::min(answers.pending.size(), from + batch));
    std::vector<std::vector<int64_t>> batchPrompts;
    for (size_t q : which) batchPrompts.push_back(prompts[q]);
    const auto generated = generate(*loaded.model, batchPrompts, generation);
    std::vector<std::pair<std::string, std::string>> fresh;
    for (size_t b = 0; b < which.size(); ++b) {
      const size_t q = which[b];
      answers.responses[q] =
          responseText(*encoder.tokenizer, prompts[q], generated[b], encoder.eosId);
      if (!answers.keys.empty()) fresh.emplace_back(answers.keys[q], *answers.responses[q]);
    }
    if (!fresh.empty()) settings.scoring.cache->storeAnswers(fresh);
    done += which.size();
    context.progress(static_cast<int64_t>(done), static_cast<int64_t>(questions.size()),
                     "answered " + std::to_string(done) + " of " +
                         std::to_string(questions.size()) + " questions");
  }
  return scoreAnswers(documents, questions, answers.responses);
}

}  // namespace tunebench
