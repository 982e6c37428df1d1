#pragma once
// A benchmark suite: a named list of evaluations a user saves, shares and re-runs on any model.
// Each task names a file (relative to the suite file's folder when read from one), the evaluator
// that scores it ("benchmark" unless said otherwise: MMLU, HellaSwag, ... GSM8K, or a file of
// question/choices/answer; "generation" for prompt/response files scored by exact match and
// BLEU/chrF/ROUGE/SQuAD; "perplexity" for a text file; "safety" for a red-team or over-refusal
// suite, "builtin:redteam" as its file), an optional name, and the evaluator's settings. Written as
// JSON or YAML:
//
//   name: general knowledge
//   tasks:
//     - file: mmlu-test.parquet
//       task: mmlu
//       num_fewshot: 5
//       fewshot_file: mmlu-dev.parquet
//     - name: support answers
//       file: support.jsonl
//       evaluator: generation
//       metrics: [bleu, rouge]
//
// A task that names a known benchmark and no num_fewshot gets the harness's default for it
// (GSM8K: 5, the others 0).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

struct SuiteTask {
  std::string name;  // shown and stored as the evaluation's name; empty: the file's name
  std::string file;  // absolute once read
  std::string evaluator = "benchmark";
  nlohmann::json settings = nlohmann::json::object();  // the evaluator's, as documented by it

  std::string displayName() const;
};

struct BenchmarkSuite {
  std::string name;
  std::vector<SuiteTask> tasks;
};

// The settings whose values are files and resolve like the task's file.
bool isFileSetting(const std::string& key);

// A suite from its JSON form; relative files resolve against `folder`. Throws tunebench::Error
// naming `source`, the task and the key at fault.
BenchmarkSuite benchmarkSuiteFromJson(const nlohmann::json& json, const std::string& source,
                                      const std::string& folder);
// Reads a .yaml/.yml file as YAML, anything else as JSON.
BenchmarkSuite readBenchmarkSuite(const std::string& path);
// The JSON form; files under `folder` are written relative to it, so the suite travels with its
// files.
nlohmann::ordered_json benchmarkSuiteJson(const BenchmarkSuite& suite, const std::string& folder);
// Writes the JSON form atomically (JSON is valid YAML, so a .yaml name reads back too).
void writeBenchmarkSuite(const BenchmarkSuite& suite, const std::string& path);

// "FILE" (the task detected from the file's fields), "TASK=FILE" with a benchmark task id
// (mmlu, gsm8k, ...), or "generation=FILE" / "perplexity=FILE" / "safety=builtin:redteam" for
// those evaluators. Throws
// tunebench::Error for an unknown name.
SuiteTask suiteTaskFromSpec(const std::string& spec);

// The task's settings with `overrides` laid over them and the harness's default few-shot count
// filled in where neither names one.
nlohmann::json effectiveTaskSettings(const SuiteTask& task, const nlohmann::json& overrides);

}  // namespace tunebench
