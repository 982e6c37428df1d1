// `tunebench-cli evaluate bench --model DIR [--adapter DIR] --task mmlu=FILE ... | --suite FILE
// [--fewshot N] [--limit N] [--save-suite FILE] [--project FILE [--run N]] [--json]`: a benchmark
// suite (eval/BenchmarkSuite.h) on one model, each task's figures, and, for a run recorded in a
// project whose base model was evaluated the same way, the comparison with the base model and
// the forgetting alarm.
#include "EvaluateBench.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "NumberChecks.h"
#include "TerminalProgress.h"
#include "builtin/BuiltinPlugins.h"
#include "common/Error.h"
#include "eval/BenchmarkSuiteJob.h"
#include "eval/EvaluationJob.h"
#include "store/BaseModelComparison.h"
#include "system/SystemInfo.h"

namespace tunebench::cli {

namespace {

struct BenchOptions {
  std::string model, adapter;
  std::vector<std::string> tasks;
  // `evaluate safety`: suites (redteam, overrefusal or files) and the safety evaluator's settings.
  std::vector<std::string> safetySuites, attacks;
  std::string judge;
  std::optional<int64_t> maxNewTokens;
  std::string suite, saveSuite;
  std::optional<int64_t> fewShot, limit, batchSize;
  std::string project;
  int64_t run = 0;
  int threads = 0;
  bool json = false;
};

nlohmann::ordered_json numberOrNull(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json();
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

BenchmarkSuite suiteOf(const BenchOptions& options) {
  BenchmarkSuite suite;
  if (!options.suite.empty()) suite = readBenchmarkSuite(options.suite);
  for (const auto& spec : options.tasks) suite.tasks.push_back(suiteTaskFromSpec(spec));
  for (const auto& name : options.safetySuites) {
    SuiteTask task;
    task.evaluator = "safety";
    const bool builtIn = name == "redteam" || name == "overrefusal";
    task.file = builtIn ? kBuiltinDataPrefix + name : name;
    if (builtIn) task.name = name;
    if (!options.judge.empty()) task.settings["judge"] = options.judge;
    if (!options.attacks.empty()) task.settings["attacks"] = options.attacks;
    suite.tasks.push_back(task);
  }
  if (suite.name.empty())
    suite.name = options.saveSuite.empty()
                     ? "command line"
                     : std::filesystem::path(options.saveSuite).stem().string();
  return suite;
}

nlohmann::json overridesOf(const BenchOptions& options) {
  nlohmann::json overrides = nlohmann::json::object();
  if (options.fewShot) overrides["num_fewshot"] = *options.fewShot;
  if (options.limit) overrides["limit"] = *options.limit;
  if (options.batchSize) overrides["batch_size"] = *options.batchSize;
  if (options.maxNewTokens) overrides["max_new_tokens"] = *options.maxNewTokens;
  return overrides;
}

void printText(const BenchmarkSuiteJob& job, const std::vector<store::BaseComparison>& base) {
  std::cout << "suite: " << job.suite().name << (job.canceled() ? " (stopped)" : "") << "\n";
  for (const auto& outcome : job.outcomes()) {
    std::cout << "\n" << outcome.task.displayName() << " (" << outcome.task.file << ")\n";
    if (!outcome.error.empty()) {
      std::cout << "  failed: " << outcome.error << "\n";
      continue;
    }
    const auto& metrics = outcome.result.metrics;
    for (const auto& [name, value] : metrics) {
      if (endsWith(name, "_stderr") || endsWith(name, "_ci_low") || endsWith(name, "_ci_high"))
        continue;
      char line[160];
      std::snprintf(line, sizeof line, "  %-28s %.4f", name.c_str(), value);
      std::cout << line;
      for (const auto& [other, error] : metrics)
        if (other == name + "_stderr") {
          std::snprintf(line, sizeof line, " ± %.4f", error);
          std::cout << line;
        } else if (other == name + "_ci_low") {
          std::snprintf(line, sizeof line, " [%.4f, ", error);
          std::cout << line;
        } else if (other == name + "_ci_high") {
          std::snprintf(line, sizeof line, "%.4f]", error);
          std::cout << line;
        }
      std::cout << "\n";
    }
    if (outcome.evaluationId > 0)
      std::cout << "  recorded as evaluation #" << outcome.evaluationId << "\n";
  }
  if (base.empty()) return;
  std::cout << "\nagainst the base model:\n";
  for (const auto& comparison : base) {
    if (!comparison.margin()) continue;
    char line[200];
    std::snprintf(line, sizeof line, "  %s %s: %.4f -> %.4f (%+.4f, interval ±%.4f)%s\n",
                  comparison.suite.c_str(), comparison.metric.c_str(), comparison.base,
                  comparison.tuned, comparison.difference(), *comparison.margin(),
                  comparison.forgets() ? "  FORGETTING" : (comparison.gains() ? "  better" : ""));
    std::cout << line;
  }
}

void printJson(const BenchmarkSuiteJob& job, const BenchOptions& options,
               const std::vector<store::BaseComparison>& base) {
  nlohmann::ordered_json tasks = nlohmann::ordered_json::array();
  for (const auto& outcome : job.outcomes()) {
    nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
    for (const auto& [name, value] : outcome.result.metrics) metrics[name] = numberOrNull(value);
    nlohmann::ordered_json task{
        {"name", outcome.task.displayName()},
        {"file", outcome.task.file},
        {"evaluator", outcome.evaluatorId.empty() ? outcome.task.evaluator : outcome.evaluatorId},
        {"settings", outcome.settings},
        {"metrics", metrics},
        {"questions", outcome.result.items.size()},
        {"canceled", outcome.result.canceled}};
    if (outcome.evaluationId > 0) task["evaluation_id"] = outcome.evaluationId;
    if (!outcome.error.empty()) task["error"] = outcome.error;
    tasks.push_back(std::move(task));
  }
  nlohmann::ordered_json comparisons = nlohmann::ordered_json::array();
  for (const auto& comparison : base) {
    nlohmann::ordered_json entry{{"suite", comparison.suite},
                                 {"metric", comparison.metric},
                                 {"base", numberOrNull(comparison.base)},
                                 {"tuned", numberOrNull(comparison.tuned)},
                                 {"difference", numberOrNull(comparison.difference())},
                                 {"forgetting", comparison.forgets()}};
    if (const auto margin = comparison.margin()) entry["margin"] = numberOrNull(*margin);
    comparisons.push_back(std::move(entry));
  }
  const nlohmann::ordered_json report{
      {"suite", job.suite().name},  {"model", options.model}, {"adapter", options.adapter},
      {"canceled", job.canceled()}, {"tasks", tasks},         {"against_base", comparisons}};
  std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int runBench(const BenchOptions& options) {
  setIntraOpThreads(options.threads);
  const auto suite = suiteOf(options);
  if (suite.tasks.empty())
    throw Error("name the benchmarks: --task mmlu=FILE (repeatable) or --suite FILE");
  if (!options.saveSuite.empty()) {
    writeBenchmarkSuite(suite, options.saveSuite);
    if (!options.json) std::cout << "suite written to " << options.saveSuite << "\n";
  }
  EvaluationRequest model;
  model.modelFolder = options.model;
  model.adapterFolder = options.adapter;
  if (!options.project.empty()) {
    model.projectFile = options.project;
    model.runId = options.run;
    // Without a run: the project's model in --model, evaluated on its own (a base model).
    model.recordAsProjectModel = options.run == 0;
    if (options.run == 0 && !options.adapter.empty())
      throw Error(
          "--project without --run records a project's model on its own: drop "
          "--adapter, or name the run the adapter belongs to");
  }
  const auto plugins = builtin::makeDefaultPluginRegistry();
  BenchmarkSuiteJob job(*plugins, suite, model, overridesOf(options));
  TerminalProgress context;
  job.run(context);
  std::vector<store::BaseComparison> base;
  if (!options.project.empty() && options.run > 0)
    base = store::readRunBaseComparison(options.project, options.run).scores;
  if (options.json)
    printJson(job, options, base);
  else
    printText(job, base);
  if (job.canceled()) return 130;
  for (const auto& outcome : job.outcomes())
    if (!outcome.error.empty()) return 1;
  return 0;
}

// The options `evaluate bench` and `evaluate safety` share: the model, where results are
// recorded, how much runs.
void addModelOptions(CLI::App& command, BenchOptions& options) {
  command.add_option("--model", options.model, "Model folder")->required();
  command.add_option("--adapter", options.adapter, "Adapter folder applied on the model");
  command.add_option("--limit", options.limit, "The first N items of each task (0 = all)")
      ->check(nonNegativeNumber());
  command.add_option("--batch-size", options.batchSize, "Requests per forward pass")
      ->check(positiveNumber());
  command.add_option("--project", options.project,
                     "Record the results in this project: with --run N as run N's final model, "
                     "without as the project's model in --model (the base model)");
  command.add_option("--run", options.run, "The run whose final model --model is")
      ->check(nonNegativeNumber());
  command.add_option("--threads", options.threads, "Intra-op threads (0 = all)");
  command.add_flag("--json", options.json, "Print one JSON object");
}

}  // namespace

EvaluateBench addEvaluateBench(CLI::App& evaluate) {
  auto options = std::make_shared<BenchOptions>();
  auto* bench = evaluate.add_subcommand(
      "bench",
      "A benchmark suite on one model: each --task (or a saved --suite) scored as "
      "lm-evaluation-harness scores it; with --project, recorded and compared with the base "
      "model");
  addModelOptions(*bench, *options);
  bench->add_option("--task", options->tasks,
                    "TASK=FILE (mmlu, hellaswag, arc_easy, arc_challenge, piqa, winogrande, "
                    "truthfulqa_mc1, truthfulqa_mc2, multiple_choice, gsm8k; generation, "
                    "perplexity or safety for those evaluators), or FILE alone to detect the "
                    "task; repeatable");
  bench->add_option("--suite", options->suite,
                    "A suite file (JSON or YAML: name, tasks with file, evaluator and settings)");
  bench->add_option("--save-suite", options->saveSuite,
                    "Write the tasks as a suite file to re-run or share (JSON, valid YAML too)");
  bench
      ->add_option("--fewshot", options->fewShot,
                   "Solved examples before each question, for every task (default: each "
                   "task's own, as the harness: GSM8K 5, the others 0)")
      ->check(nonNegativeNumber());
  return {bench, [options] { return runBench(*options); }};
}

EvaluateBench addEvaluateSafety(CLI::App& evaluate) {
  auto options = std::make_shared<BenchOptions>();
  auto* safety = evaluate.add_subcommand(
      "safety",
      "Safety suites on one model: harmful requests it should refuse and harmless ones it "
      "should answer, judged by refusal phrases; with --project, recorded and compared with the "
      "base model (attack success or over-refusal up beyond the interval is flagged)");
  addModelOptions(*safety, *options);
  safety
      ->add_option("--suite", options->safetySuites,
                   "redteam, overrefusal (built in) or a JSON Lines file of prompts; repeatable")
      ->required();
  safety
      ->add_option("--judge", options->judge,
                   "refusal-prefix (XSTest's rule, the default) or refusal-substring "
                   "(JailbreakBench's)")
      ->check(CLI::IsMember({"refusal-prefix", "refusal-substring"}));
  safety->add_option("--attacks", options->attacks,
                     "Wrap every prompt: none, role_play, prefix_injection, refusal_suppression, "
                     "base64, rot13, leetspeak; repeatable");
  safety->add_option("--max-new-tokens", options->maxNewTokens, "Tokens generated per answer")
      ->check(positiveNumber());
  return {safety, [options] { return runBench(*options); }};
}

}  // namespace tunebench::cli
