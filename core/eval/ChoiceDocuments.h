#pragma once
// Benchmark files as lm-evaluation-harness reads them: each hub layout (cais/mmlu,
// Rowan/hellaswag, allenai/ai2_arc, baber/piqa, allenai/winogrande, truthful_qa
// multiple_choice, openai/gsm8k) turned into documents with the harness's prompt text, choices and
// gold answers, including its preprocessing (HellaSwag's bracket removal, Winogrande's blank). A
// user's own file is a `multiple_choice` task whose columns are named in the settings.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tunebench {

// One benchmark document. A normal document's requests are (text, " " + choice); a partial one
// (Winogrande) has a text per choice and the shared continuation " " + target.
struct ChoiceDocument {
  std::string text;                       // doc_to_text (normal documents)
  std::vector<std::string> partialTexts;  // one context per choice (partial scoring)
  std::string target;                     // partial scoring's shared continuation, without " "
  std::vector<std::string> choices;
  std::vector<size_t> gold;
  std::vector<bool> trueAnswers;  // MC2's labels
  std::string group;              // MMLU's subject
  std::string description;        // put before the few-shot examples (MMLU's subject line)
  nlohmann::json record;          // as read, so that few-shot sampling can leave it out

  bool partial() const { return !partialTexts.empty(); }
  // The document as a solved few-shot example: text, " ", the gold answer.
  std::string solvedExample() const;
};

struct ChoiceTaskInfo {
  std::string id;                // "mmlu", "hellaswag", ...
  std::string displayName;       // "MMLU"
  std::string headlineMetric;    // the figure the harness's tables lead with
  bool firstFewShot = false;     // few-shot examples are the first n (MMLU), not sampled
  bool probabilityMass = false;  // TruthfulQA MC2
  // Answered by greedy generation, not by choices (GSM8K): the document's one "choice" is its
  // reference answer, so that a solved few-shot example is "text answer".
  bool generated = false;
  // The harness's num_fewshot for the task when none is given (GSM8K's 5).
  size_t defaultFewShot = 0;
};

// The tasks, in the order the settings and the GUI offer them.
const std::vector<ChoiceTaskInfo>& choiceTasks();
// Throws tunebench::Error naming the unknown task and the known ones.
const ChoiceTaskInfo& choiceTask(const std::string& id);

// The task a record's columns belong to, or nothing when no known layout fits.
std::optional<std::string> detectChoiceTask(const nlohmann::json& record);

// Column names of a user's multiple-choice file.
struct ChoiceColumns {
  std::string question = "question", choices = "choices", answer = "answer";
};

// Reads one record of the task's layout. Throws tunebench::Error naming `where` (file and line
// or row), the field and the problem.
ChoiceDocument readChoiceDocument(const std::string& task, const nlohmann::json& record,
                                  const std::string& where, const ChoiceColumns& columns = {});

}  // namespace tunebench
