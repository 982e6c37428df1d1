#include "eval/ChoiceBenchmark.h"

#include <algorithm>
#include <map>

#include "common/Error.h"
#include "eval/ModelSourceLoading.h"
#include "eval/SampleStatistics.h"

namespace tunebench {

namespace {

using Metrics = std::vector<std::pair<std::string, double>>;

void addMean(Metrics& metrics, const std::string& name, const std::vector<double>& values) {
  metrics.emplace_back(name, mean(values));
  metrics.emplace_back(name + "_stderr", meanStandardError(values));
}

// MMLU's subjects: each one's accuracy, then the overall one as the harness's group reports
// it (weighted by size, pooled standard error).
void addGroups(Metrics& metrics, const std::map<std::string, std::vector<double>>& byGroup) {
  std::vector<double> all, errors;
  std::vector<size_t> sizes;
  Metrics perGroup;
  for (const auto& [group, values] : byGroup) {
    perGroup.emplace_back("acc (" + group + ")", mean(values));
    all.insert(all.end(), values.begin(), values.end());
    errors.push_back(meanStandardError(values));
    sizes.push_back(values.size());
  }
  metrics.emplace_back("acc", mean(all));
  metrics.emplace_back("acc_stderr", pooledStandardError(errors, sizes));
  metrics.insert(metrics.end(), perGroup.begin(), perGroup.end());
}

EvaluatedItem itemOf(const ChoiceDocument& document, const ScoredQuestion& scored,
                     const std::string& task) {
  EvaluatedItem item;
  item.input = document.partial()
                   ? document.partialTexts.at(document.gold.at(0)) + " " + document.target
                   : document.text;
  item.expected = document.choices.at(document.gold.at(0));
  item.output = document.choices.at(scored.score.predicted);
  item.score = scored.score.accuracy;
  item.details = {{"task", task},
                  {"log_likelihoods", scored.logLikelihoods},
                  {"greedy", scored.greedy},
                  {"gold", document.gold},
                  {"predicted", scored.score.predicted},
                  {"acc_norm", scored.score.lengthNormalised},
                  {"acc_bytes", scored.score.byteNormalised}};
  if (!document.group.empty()) item.details["subject"] = document.group;
  return item;
}

}  // namespace

ChoiceBenchmarkResult runChoiceQuestions(CausalLMImpl& model, const TextEncoder& encoder,
                                         const std::vector<ChoiceQuestion>& questions,
                                         const LoglikelihoodOptions& options, JobContext* context) {
  std::vector<TokenizedRequest> requests;
  std::vector<size_t> firstRequest;
  for (size_t q = 0; q < questions.size(); ++q) {
    if (context && context->isCanceled()) return {{}, true};
    if (context && q % 64 == 0)
      context->progress(static_cast<int64_t>(q), static_cast<int64_t>(questions.size()),
                        "tokenising question " + std::to_string(q + 1));
    firstRequest.push_back(requests.size());
    const auto& question = questions[q];
    for (size_t c = 0; c < question.choiceCount(); ++c)
      requests.push_back(
          tokenizeRequest(encoder, question.contextOf(c), question.continuationOf(c)));
  }
  const auto scored = scoreLoglikelihoods(model, requests, options, context);
  ChoiceBenchmarkResult result;
  result.canceled = scored.canceled;
  result.questions.resize(questions.size());
  for (size_t q = 0; q < questions.size(); ++q) {
    ScoredQuestion outcome;
    bool complete = true;
    for (size_t c = 0; c < questions[q].choiceCount(); ++c) {
      const size_t i = firstRequest[q] + c;
      complete = complete && scored.scored[i];
      outcome.logLikelihoods.push_back(scored.scores[i].logLikelihood);
      outcome.greedy.push_back(scored.scores[i].greedy);
    }
    if (!complete) continue;
    outcome.score = scoreChoiceQuestion(questions[q], outcome.logLikelihoods, outcome.greedy);
    result.questions[q] = std::move(outcome);
  }
  return result;
}

std::vector<std::pair<std::string, double>> choiceMetrics(
    const ChoiceTaskInfo& task, const std::vector<ChoiceQuestion>& questions,
    const ChoiceBenchmarkResult& result) {
  std::vector<double> accuracy, byLength, byBytes;
  std::map<std::string, std::vector<double>> byGroup;
  for (size_t q = 0; q < result.questions.size() && q < questions.size(); ++q) {
    if (!result.questions[q]) continue;
    const auto& score = result.questions[q]->score;
    accuracy.push_back(score.accuracy);
    byLength.push_back(score.lengthNormalised);
    byBytes.push_back(score.byteNormalised);
    byGroup[questions[q].group].push_back(score.accuracy);
  }
  Metrics metrics;
  if (byGroup.size() > 1 || (byGroup.size() == 1 && !byGroup.begin()->first.empty()))
    addGroups(metrics, byGroup);
  else
    addMean(metrics, "acc", accuracy);
  if (!task.probabilityMass) {
    addMean(metrics, "acc_norm", byLength);
    addMean(metrics, "acc_bytes", byBytes);
  }
  metrics.emplace_back("questions", static_cast<double>(accuracy.size()));
  return metrics;
}

nlohmann::json choiceScoringSettings(const ChoiceBenchmarkSettings& settings) {
  nlohmann::json scoring = {{"task", settings.task},
                            {"num_fewshot", settings.fewShot},
                            {"fewshot_seed", settings.fewShotSeed},
                            {"limit", settings.limit}};
  if (settings.fewShot > 0) scoring["fewshot_file"] = settings.fewShotFile;
  if (settings.task == "gsm8k") scoring["max_gen_toks"] = settings.maxNewTokens;
  if (settings.task == "multiple_choice" || settings.task == "auto")
    scoring["columns"] = {settings.columns.question, settings.columns.choices,
                          settings.columns.answer};
  return scoring;
}

std::vector<ChoiceQuestion> choicePromptsFor(const std::string& task,
                                             const std::vector<ChoiceDocument>& documents,
                                             const std::vector<ChoiceDocument>* fewShotPool,
                                             const ChoiceBenchmarkSettings& settings) {
  FewShotSettings fewShot;
  fewShot.count = settings.fewShot;
  fewShot.seed = settings.fewShotSeed;
  fewShot.pool = fewShotPool ? fewShotPool : &documents;
  fewShot.poolHoldsEvaluated = fewShotPool == nullptr;
  const size_t count =
      settings.limit > 0 ? std::min(documents.size(), size_t(settings.limit)) : documents.size();
  const std::vector<ChoiceDocument> evaluated(documents.begin(), documents.begin() + count);
  return choiceQuestions(choiceTask(task), evaluated, fewShot);
}

EvaluatorResult evaluateChoiceDocuments(const ModelSource& source, const std::string& task,
                                        const std::vector<ChoiceDocument>& documents,
                                        const std::vector<ChoiceDocument>* fewShotPool,
                                        const ChoiceBenchmarkSettings& settings,
                                        JobContext& context) {
  const auto& info = choiceTask(task);
  const auto questions = choicePromptsFor(task, documents, fewShotPool, settings);
  if (context.isCanceled()) return {{}, {}, true};
  context.progress(0, 0, "loading " + source.describe());
  auto loaded = loadModelSource(source);
  loaded.model->eval();
  const auto encoder = encoderForModelFolder(source.modelFolder);
  const auto scored =
      runChoiceQuestions(*loaded.model, encoder, questions, settings.scoring, &context);
  EvaluatorResult result;
  result.canceled = scored.canceled;
  result.metrics = choiceMetrics(info, questions, scored);
  for (size_t q = 0; q < questions.size(); ++q)
    if (scored.questions[q])
      result.items.push_back(itemOf(documents[q], *scored.questions[q], task));
  return result;
}

}  // namespace tunebench
