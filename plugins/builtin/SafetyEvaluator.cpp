#include "builtin/SafetyEvaluator.h"

#include <algorithm>

#include "builtin/EvaluatorSettings.h"
#include "common/Error.h"
#include "common/Sha256.h"
#include "eval/ClassifierSource.h"
#include "eval/ModelSourceLoading.h"
#include "model/Generation.h"
#include "model/TextGeneration.h"
#include "safety/AttackWrappers.h"
#include "safety/RefusalJudge.h"
#include "safety/SafetyScores.h"
#include "safety/SafetySuites.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench::builtin {

namespace {

struct SafetyOptions {
  std::string judge = "refusal-prefix";
  std::vector<std::string> attacks;
  int64_t maxNewTokens = 64;
  int64_t batchSize = 8;
  int64_t limit = 0;
  bool chat = true;
  SafetyFields fields;
};

SafetyOptions safetyOptions(const nlohmann::json& settings) {
  SafetyOptions options;
  options.judge = textSetting(settings, "judge", options.judge);
  RefusalJudge::named(options.judge);  // an unknown judge fails before the model loads
  options.attacks = attackSetting(settings);
  options.maxNewTokens = countSetting(settings, "max_new_tokens", options.maxNewTokens, 1);
  options.batchSize = countSetting(settings, "batch_size", options.batchSize, 1);
  options.limit = countSetting(settings, "limit", options.limit, 0);
  options.chat = flagSetting(settings, "chat", options.chat);
  options.fields.prompt = textSetting(settings, "prompt_field", options.fields.prompt);
  options.fields.category = textSetting(settings, "category_field", options.fields.category);
  options.fields.expected = textSetting(settings, "expected_field", options.fields.expected);
  return options;
}

std::string cutAtStops(const std::string& text, const std::vector<std::string>& stops) {
  size_t cut = text.size();
  for (const auto& stop : stops)
    if (!stop.empty()) cut = std::min(cut, text.find(stop));
  return text.substr(0, cut);
}

// Greedy answers to the prompts, in order; fewer when the context cancels.
std::vector<std::string> generateResponses(const ModelSource& source,
                                           const std::vector<std::string>& prompts,
                                           const SafetyOptions& options, JobContext& context) {
  context.progress(0, 0, "loading " + source.describe());
  auto loaded = loadModelSource(source);
  auto& model = *loaded.model;
  model.eval();
  const auto tokenizer = loadTokenizer(source.modelFolder);
  const bool chat = options.chat && tokenizer.config.chatTemplate().has_value();
  context.log(LogLevel::Info, chat
                                  ? "prompts rendered as a user turn with the model's chat template"
                                  : "prompts used as plain text (no chat template in use)");
  GenerationSettings greedy;
  greedy.maxNewTokens = options.maxNewTokens;
  greedy.temperature = 0.0;
  greedy.padId = std::max<int64_t>(0, model.config().padTokenId.value_or(0));
  const int64_t room = model.config().maxPositions - options.maxNewTokens;
  std::vector<std::vector<int64_t>> ids;
  GenerationSettings settings = greedy;
  for (size_t i = 0; i < prompts.size(); ++i) {
    TextPrompt text;
    text.text = prompts[i];
    text.chat = chat;
    auto prepared = withContext("safety prompt " + std::to_string(i + 1), [&] {
      return prepareTextPrompt(tokenizer, model.config(), text, greedy);
    });
    // Cut from the left, as the generation benchmarks do, so that the answer fits the context.
    if (room > 0 && static_cast<int64_t>(prepared.ids.size()) > room)
      prepared.ids.erase(prepared.ids.begin(), prepared.ids.end() - room);
    ids.push_back(std::move(prepared.ids));
    if (i == 0) settings = std::move(prepared.settings);
  }
  std::vector<std::string> responses;
  const size_t batch = static_cast<size_t>(options.batchSize);
  for (size_t from = 0; from < ids.size(); from += batch) {
    context.waitIfPaused();
    if (context.isCanceled()) break;
    const size_t to = std::min(ids.size(), from + batch);
    const std::vector<std::vector<int64_t>> rows(ids.begin() + from, ids.begin() + to);
    const auto generated = withContext(
        "answering safety prompts " + std::to_string(from + 1) + "–" + std::to_string(to),
        [&] { return generate(model, rows, settings); });
    for (size_t r = 0; r < rows.size(); ++r) {
      auto answer = generated[r];
      if (!answer.empty() && std::find(settings.stopIds.begin(), settings.stopIds.end(),
                                       answer.back()) != settings.stopIds.end())
        answer.pop_back();
      StreamingDecoder decoder(*tokenizer.tokenizer, rows[r]);
      for (int64_t id : answer) decoder.add(id);
      responses.push_back(cutAtStops(decoder.text(), settings.stopStrings));
    }
    context.progress(static_cast<int64_t>(to), static_cast<int64_t>(ids.size()),
                     "answered " + std::to_string(to) + " of " + std::to_string(ids.size()));
  }
  return responses;
}

}  // namespace

std::vector<std::string> attackSetting(const nlohmann::json& settings) {
  std::vector<std::string> names;
  for (const auto& name : nameListSetting(settings, "attacks", "wrapper names")) {
    if (!isAttackWrapper(name)) {
      std::string known;
      for (const auto& wrapper : attackWrapperNames())
        known += (known.empty() ? "" : ", ") + wrapper;
      throw Error("evaluation setting \"attacks\": unknown wrapper \"" + name +
                  "\" (known: " + known + ")");
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (names.empty()) names.push_back("none");
  return names;
}

bool SafetyEvaluator::suits(const ModelSource& model) const {
  return classifierLabels(model).empty();
}

EvaluatorResult SafetyEvaluator::evaluate(const EvaluatorRequest& request, JobContext& context) {
  const auto options = safetyOptions(request.settings);
  const auto judge = RefusalJudge::named(options.judge);
  context.progress(0, 0, "reading " + request.dataFile);
  auto prompts = loadSafetyPrompts(request.dataFile, options.fields);
  if (options.limit > 0 && prompts.size() > static_cast<size_t>(options.limit))
    prompts.resize(static_cast<size_t>(options.limit));
  std::vector<std::string> wrapped;
  for (const auto& prompt : prompts)
    for (const auto& attack : options.attacks) wrapped.push_back(wrapPrompt(attack, prompt.prompt));
  EvaluatorResult result;
  if (context.isCanceled()) {
    result.canceled = true;
    return result;
  }
  const auto responses = generateResponses(request.model, wrapped, options, context);
  result.canceled = responses.size() < wrapped.size();
  std::vector<JudgedPrompt> judged;
  for (size_t i = 0; i < responses.size(); ++i) {
    const auto& prompt = prompts[i / options.attacks.size()];
    const auto& attack = options.attacks[i % options.attacks.size()];
    const bool refused = judge.refused(responses[i]);
    judged.push_back({prompt.category, attack, prompt.expectRefusal, refused});
    EvaluatedItem item;
    item.input = wrapped[i];
    item.output = responses[i];
    item.expected = prompt.expectRefusal ? "refuse" : "comply";
    item.score = refused == prompt.expectRefusal ? 1.0 : 0.0;
    item.details = {{"id", prompt.id},
                    {"category", prompt.category},
                    {"wrapper", attack},
                    {"refused", refused},
                    {"judge", judge.name()}};
    result.items.push_back(std::move(item));
  }
  if (!judged.empty()) result.metrics = safetyMetrics(judged);
  context.log(LogLevel::Info, "responses judged by " + judge.name());
  return result;
}

nlohmann::json SafetyEvaluator::scoringSettings(const nlohmann::json& settings) const {
  const auto options = safetyOptions(settings);
  const auto judge = RefusalJudge::named(options.judge);
  std::string phrases;
  for (const auto& phrase : judge.phrases()) phrases += phrase + "\n";
  // The judge's phrase list is an editable file: a changed list scores differently.
  return {{"judge", options.judge},
          {"judge_phrases_sha256", sha256Hex(phrases)},
          {"attacks", options.attacks},
          {"max_new_tokens", options.maxNewTokens},
          {"limit", options.limit},
          {"chat", options.chat},
          {"prompt_field", options.fields.prompt},
          {"category_field", options.fields.category},
          {"expected_field", options.fields.expected}};
}

}  // namespace tunebench::builtin
