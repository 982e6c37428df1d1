// `tunebench-cli evaluate --model DIR [--adapter DIR] --data FILE.jsonl [--evaluator ID]`: runs an
// evaluator plugin (default: the first that suits the model). Built in: exact match and
// perplexity of a language model (and adapter) on prompt/response pairs; accuracy, macro-F1,
// per-class figures and the confusion matrix of a sequence classifier on labelled texts. A
// plugin's evaluation prints its metrics and items.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "ClassifierReport.h"
#include "Commands.h"
#include "EvaluateBench.h"
#include "NumberChecks.h"
#include "TerminalProgress.h"
#include "builtin/BuiltinPlugins.h"
#include "eval/BuiltinEvaluationResults.h"
#include "eval/EvaluationJob.h"
#include "eval/StoredClassifierEvaluation.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

namespace {

std::string formatNumber(double value, const char* format) {
  if (!std::isfinite(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// One line of a sample, long texts shortened.
std::string shortened(const std::string& text, size_t limit = 200) {
  nlohmann::json quoted = text.size() > limit ? text.substr(0, limit) + "…" : text;
  return quoted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::ordered_json numberOrNull(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

void printGeneration(const EvaluationResult& result, const EvaluationRequest& request, bool json,
                     int64_t samples) {
  if (json) {
    nlohmann::ordered_json outcomes = nlohmann::ordered_json::array();
    for (const auto& outcome : result.outcomes)
      outcomes.push_back({{"prompt", outcome.prompt},
                          {"reference", outcome.reference},
                          {"generated", outcome.generated},
                          {"exact_match", outcome.exactMatch},
                          {"response_nll", outcome.responseNll},
                          {"response_tokens", outcome.responseTokens}});
    const nlohmann::ordered_json report{{"examples", result.examples},
                                        {"exact_match", result.exactMatch},
                                        {"perplexity", numberOrNull(result.perplexity)},
                                        {"mean_nll", numberOrNull(result.meanNll)},
                                        {"response_tokens", result.responseTokens},
                                        {"canceled", result.canceled},
                                        {"model", request.modelFolder},
                                        {"adapter", request.adapterFolder},
                                        {"data", request.dataFile},
                                        {"outcomes", outcomes}};
    std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  const int64_t matches = static_cast<int64_t>(
      std::count_if(result.outcomes.begin(), result.outcomes.end(),
                    [](const ExampleOutcome& outcome) { return outcome.exactMatch; }));
  std::cout << "examples: " << result.examples << (result.canceled ? " (stopped)" : "") << "\n"
            << "exact match: " << formatNumber(result.exactMatch, "%.4f") << " (" << matches
            << " of " << result.examples << ")\n"
            << "perplexity: " << formatNumber(result.perplexity, "%.4f") << " (mean NLL "
            << formatNumber(result.meanNll, "%.4f") << " over " << result.responseTokens
            << " response tokens)\n";
  const size_t shown = std::min(result.outcomes.size(), static_cast<size_t>(samples));
  for (size_t i = 0; i < shown; ++i) {
    const auto& outcome = result.outcomes[i];
    std::cout << "\nsample " << i + 1 << (outcome.exactMatch ? " (match)" : "")
              << "\n  prompt:    " << shortened(outcome.prompt)
              << "\n  reference: " << shortened(outcome.reference)
              << "\n  generated: " << shortened(outcome.generated) << "\n";
  }
}

// An evaluation of a plugin: its metrics in order and its items.
void printMetricsAndItems(const std::string& evaluator, const EvaluatorResult& result,
                          const EvaluationRequest& request, bool json, int64_t samples) {
  if (json) {
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (const auto& [name, value] : result.metrics) metrics[name] = numberOrNull(value);
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& item : result.items)
      items.push_back({{"input", item.input},
                       {"expected", item.expected},
                       {"output", item.output},
                       {"score", numberOrNull(item.score)},
                       {"details", item.details}});
    const nlohmann::ordered_json report{{"evaluator", evaluator},
                                        {"metrics", metrics},
                                        {"canceled", result.canceled},
                                        {"model", request.modelFolder},
                                        {"adapter", request.adapterFolder},
                                        {"data", request.dataFile},
                                        {"items", items}};
    std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::cout << "evaluator: " << evaluator << (result.canceled ? " (stopped)" : "") << "\n";
  for (const auto& [name, value] : result.metrics)
    std::cout << name << ": " << formatNumber(value, "%.4f") << "\n";
  const size_t shown = std::min(result.items.size(), static_cast<size_t>(samples));
  for (size_t i = 0; i < shown; ++i) {
    const auto& item = result.items[i];
    std::cout << "\nitem " << i + 1 << " (score " << formatNumber(item.score, "%.4g") << ")"
              << "\n  input:    " << shortened(item.input)
              << "\n  expected: " << shortened(item.expected)
              << "\n  output:   " << shortened(item.output) << "\n";
  }
}

// The benchmark evaluator's settings (plugins/builtin/BenchmarkEvaluator.h).
void addBenchmarkOptions(CLI::App& command, std::string& task, int64_t& fewShot,
                         std::string& fewShotFile) {
  command
      .add_option("--task", task,
                  "Benchmark: the task the file holds (auto: detected from its fields; mmlu, "
                  "hellaswag, arc_easy, arc_challenge, piqa, winogrande, truthfulqa_mc1, "
                  "truthfulqa_mc2, multiple_choice, gsm8k)")
      ->capture_default_str();
  command.add_option("--fewshot", fewShot, "Benchmark: solved examples before each question")
      ->capture_default_str()
      ->check(nonNegativeNumber());
  command.add_option("--fewshot-file", fewShotFile,
                     "Benchmark: the file the few-shot examples come from (default: the "
                     "evaluated file, leaving out each question itself)");
}

}  // namespace

Command addEvaluateCommand(CLI::App& app) {
  struct Options {
    std::string model, adapter, data;
    std::string evaluator;
    std::string promptField = "prompt", responseField = "response";
    std::string task = "auto", fewShotFile;
    int64_t fewShot = 0;
    ClassifierEvaluationOptions classifier;
    EvaluationOptions evaluation;
    int64_t samples = 3;
    int threads = 0;
    bool json = false;
    std::unique_ptr<PluginRegistry> plugins;  // built when `evaluate` is parsed
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "evaluate",
      "Exact match and perplexity of a language model (and adapter) on prompt/response pairs; "
      "accuracy, macro-F1 and confusion matrix of a sequence classifier on labelled texts; or "
      "an evaluator plugin's evaluation");
  auto* evaluator = command->add_option(
      "--evaluator", options->evaluator,
      "Evaluator id (default: the first that suits the model; tunebench-cli plugins)");
  // The evaluators come from the plugin registry, so that a plugin's is offered (and listed by
  // --help) like the built-in ones.
  command->preparse_callback([options, evaluator](size_t) {
    options->plugins = builtin::makeDefaultPluginRegistry();
    std::vector<std::string> ids;
    std::string text = "Evaluator (default: the first that suits the model), one of:";
    for (const auto& plugin : options->plugins->evaluators()) {
      ids.push_back(plugin->id());
      text +=
          "\n  " + plugin->id() + ": " + plugin->displayName() + " (" + plugin->description() + ")";
    }
    evaluator->description(text);
    evaluator->check(CLI::IsMember(ids));
  });
  // Required unless `evaluate bench` or `evaluate safety` (their own options) was chosen: checked
  // once parsed.
  auto* model = command->add_option("--model", options->model, "Model folder");
  command->add_option(
      "--adapter", options->adapter,
      "Adapter folder applied on the model (LoRA/DoRA, prompt tuning or bottleneck adapters)");
  auto* data = command->add_option(
      "--data", options->data,
      "JSON Lines file of prompt/response records (of text/label records for a classifier; a "
      "benchmark file in JSON Lines or JSON for --evaluator benchmark)");
  command->add_option("--prompt-field", options->promptField, "Field holding the prompt")
      ->capture_default_str();
  command
      ->add_option("--response-field", options->responseField,
                   "Field holding the reference response")
      ->capture_default_str();
  command
      ->add_option("--text-field", options->classifier.textField,
                   "Classifier: field holding the text")
      ->capture_default_str();
  command
      ->add_option("--label-field", options->classifier.labelField,
                   "Classifier: field holding the label (a string or a whole number)")
      ->capture_default_str();
  command
      ->add_option("--max-length", options->classifier.maxLength,
                   "Classifier: tokens per text; longer texts are cut, keeping EOS last (use the "
                   "run's data.max_length)")
      ->capture_default_str()
      ->check(numberBetween(int64_t(2), int64_t(1) << 20));
  command
      ->add_option("--max-new-tokens", options->evaluation.maxNewTokens,
                   "Tokens generated per prompt")
      ->capture_default_str()
      ->check(nonNegativeNumber());
  command
      ->add_option("--limit", options->evaluation.maxExamples,
                   "Evaluate the first N examples (0 = all)")
      ->check(nonNegativeNumber());
  command
      ->add_option("--batch-size", options->evaluation.batchSize,
                   "Prompts generated (or texts classified) together")
      ->capture_default_str()
      ->check(positiveNumber());
  addBenchmarkOptions(*command, options->task, options->fewShot, options->fewShotFile);
  command->add_option("--samples", options->samples, "Outcomes shown in text mode")
      ->capture_default_str()
      ->check(nonNegativeNumber());
  command->add_option("--threads", options->threads, "Intra-op threads (0 = all)");
  command->add_flag("--json", options->json, "Print one JSON object");
  const auto bench = addEvaluateBench(*command);
  const auto safety = addEvaluateSafety(*command);
  command->parse_complete_callback([bench, safety, model, data] {
    if (bench.subcommand->parsed() || safety.subcommand->parsed()) return;
    if (model->count() == 0) throw CLI::RequiredError("--model");
    if (data->count() == 0) throw CLI::RequiredError("--data");
  });
  return {command, [options, bench, safety] {
            if (bench.subcommand->parsed()) return bench.run();
            if (safety.subcommand->parsed()) return safety.run();
            setIntraOpThreads(options->threads);
            EvaluationRequest request;
            request.modelFolder = options->model;
            request.adapterFolder = options->adapter;
            request.dataFile = options->data;
            request.evaluator = options->evaluator;
            request.settings = {{"prompt_field", options->promptField},
                                {"response_field", options->responseField},
                                {"max_new_tokens", options->evaluation.maxNewTokens},
                                {"text_field", options->classifier.textField},
                                {"label_field", options->classifier.labelField},
                                {"max_length", options->classifier.maxLength},
                                {"batch_size", options->evaluation.batchSize},
                                {"limit", options->evaluation.maxExamples},
                                {"task", options->task},
                                {"num_fewshot", options->fewShot},
                                {"fewshot_file", options->fewShotFile}};
            EvaluationJob job(*options->plugins, request);
            TerminalProgress context;
            job.run(context);
            const auto& result = job.result();
            if (isClassifierEvaluation(result.metrics)) {
              const ClassifierReportSource named{options->model, options->adapter, options->data};
              const auto classified = classifierResultOf(result);
              if (options->json)
                printClassifierJson(classified, named);
              else
                printClassifierReport(classified, named, options->samples);
            } else if (isGenerationEvaluation(result.metrics)) {
              printGeneration(generationResultOf(result), request, options->json, options->samples);
            } else {
              printMetricsAndItems(job.evaluatorId(), result, request, options->json,
                                   options->samples);
            }
            return result.canceled ? 130 : 0;
          }};
}

}  // namespace tunebench::cli
