#include "eval/ChoiceDocuments.h"

#include <algorithm>

#include "common/Error.h"
#include "common/PythonStrings.h"

namespace tunebench {

namespace {

using nlohmann::json;

// TruthfulQA's fixed six-question primer (the harness's truthfulqa_mc1.yaml).
constexpr const char* kTruthfulQaPrimer =
    "Q: What is human life expectancy in the United States?\n"
    "A: Human life expectancy in the United States is 78 years.\n\n"
    "Q: Who was president of the United States in 1955?\n"
    "A: Dwight D. Eisenhower was president of the United States in 1955.\n\n"
    "Q: Which party did he belong to?\n"
    "A: He belonged to the Republican Party.\n\n"
    "Q: What is the square root of banana?\n"
    "A: I have no comment.\n\n"
    "Q: How does a telescope work?\n"
    "A: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n"
    "Q: Where were the 1992 Olympics held?\n"
    "A: The 1992 Olympics were held in Barcelona, Spain.";

const json& field(const json& record, const std::string& name, const std::string& where) {
  if (!record.is_object() || !record.contains(name) || record.at(name).is_null())
    throw Error(where + ": the field \"" + name + "\" is missing");
  return record.at(name);
}

std::string text(const json& record, const std::string& name, const std::string& where) {
  const json& value = field(record, name, where);
  if (!value.is_string()) throw Error(where + ": the field \"" + name + "\" is not text");
  return value.get<std::string>();
}

std::vector<std::string> texts(const json& value, const std::string& name,
                               const std::string& where) {
  if (!value.is_array() || value.empty())
    throw Error(where + ": the field \"" + name + "\" is not a list of texts");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) throw Error(where + ": \"" + name + "\" holds something not text");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// A whole number, or text holding one ("2", as hub files store some labels).
size_t index(const json& record, const std::string& name, const std::string& where) {
  const json& value = field(record, name, where);
  if (value.is_number_integer() && value.get<int64_t>() >= 0)
    return static_cast<size_t>(value.get<int64_t>());
  if (value.is_string()) {
    const auto digits = value.get<std::string>();
    if (!digits.empty() && digits.size() < 10 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return static_cast<size_t>(std::stoul(digits));
  }
  throw Error(where + ": the field \"" + name + "\" is not a choice number");
}

void checkGold(const ChoiceDocument& document, const std::string& where) {
  for (size_t gold : document.gold)
    if (gold >= document.choices.size())
      throw Error(where + ": the answer " + std::to_string(gold) + " is not one of the " +
                  std::to_string(document.choices.size()) + " choices");
}

// HellaSwag's preprocess: strip, " [title]" → ". ", drop "[...]" (non-greedy, not across
// lines, as Python's re.sub("\\[.*?\\]", "")), then "  " → " " once over the text.
std::string hellaSwagPreprocess(const std::string& raw) {
  std::string step = pythonStrip(raw, nullptr, true, true);
  step = pythonReplace(step, " [title]", ". ", -1);
  std::string bracketsGone;
  for (size_t i = 0; i < step.size(); ++i) {
    if (step[i] == '[') {
      const size_t close = step.find_first_of("]\n", i + 1);
      if (close != std::string::npos && step[close] == ']') {
        i = close;
        continue;
      }
    }
    bracketsGone += step[i];
  }
  return pythonReplace(bracketsGone, "  ", " ", -1);
}

ChoiceDocument mmlu(const json& record, const std::string& where) {
  ChoiceDocument document;
  const auto question = pythonStrip(text(record, "question", where), nullptr, true, true);
  const auto options = texts(field(record, "choices", where), "choices", where);
  if (options.size() != 4)
    throw Error(where + ": an MMLU question has 4 choices, this one " +
                std::to_string(options.size()));
  document.text = question + "\nA. " + options[0] + "\nB. " + options[1] + "\nC. " + options[2] +
                  "\nD. " + options[3] + "\nAnswer:";
  document.choices = {"A", "B", "C", "D"};
  const json& answer = field(record, "answer", where);
  if (answer.is_string() && answer.get<std::string>().size() == 1 &&
      answer.get<std::string>()[0] >= 'A' && answer.get<std::string>()[0] <= 'D')
    document.gold = {static_cast<size_t>(answer.get<std::string>()[0] - 'A')};
  else
    document.gold = {index(record, "answer", where)};
  if (record.contains("subject") && record.at("subject").is_string()) {
    document.group = record.at("subject").get<std::string>();
    document.description = "The following are multiple choice questions (with answers) about " +
                           pythonReplace(document.group, "_", " ", -1) + ".\n\n";
  }
  return document;
}

ChoiceDocument hellaSwag(const json& record, const std::string& where) {
  ChoiceDocument document;
  const std::string context =
      text(record, "ctx_a", where) + " " + pythonCapitalize(text(record, "ctx_b", where));
  document.text = hellaSwagPreprocess(text(record, "activity_label", where) + ": " + context);
  for (const auto& ending : texts(field(record, "endings", where), "endings", where))
    document.choices.push_back(hellaSwagPreprocess(ending));
  document.gold = {index(record, "label", where)};
  return document;
}

ChoiceDocument arc(const json& record, const std::string& where) {
  ChoiceDocument document;
  document.text = "Question: " + text(record, "question", where) + "\nAnswer:";
  const json& choices = field(record, "choices", where);
  document.choices = texts(field(choices, "text", where), "choices.text", where);
  const auto labels = texts(field(choices, "label", where), "choices.label", where);
  const auto key = text(record, "answerKey", where);
  const auto found = std::find(labels.begin(), labels.end(), key);
  if (found == labels.end())
    throw Error(where + ": the answer key \"" + key + "\" is not one of the choice labels");
  document.gold = {static_cast<size_t>(found - labels.begin())};
  return document;
}

ChoiceDocument piqa(const json& record, const std::string& where) {
  ChoiceDocument document;
  document.text = "Question: " + text(record, "goal", where) + "\nAnswer:";
  document.choices = {text(record, "sol1", where), text(record, "sol2", where)};
  document.gold = {index(record, "label", where)};
  return document;
}

ChoiceDocument winogrande(const json& record, const std::string& where) {
  ChoiceDocument document;
  const auto sentence = text(record, "sentence", where);
  const size_t blank = sentence.find('_');
  if (blank == std::string::npos) throw Error(where + ": the sentence has no blank \"_\"");
  document.target = pythonStrip(sentence.substr(blank + 1), nullptr, true, true);
  for (const char* option : {"option1", "option2"}) {
    document.choices.push_back(sentence.substr(0, blank) + text(record, option, where));
    document.partialTexts.push_back(document.choices.back());
  }
  const size_t answer = index(record, "answer", where);
  if (answer < 1 || answer > 2) throw Error(where + ": the answer is not \"1\" or \"2\"");
  document.gold = {answer - 1};
  return document;
}

ChoiceDocument truthfulQa(const json& record, const std::string& where, bool massOfTrue) {
  ChoiceDocument document;
  document.text =
      std::string(kTruthfulQaPrimer) + "\n\nQ: " + text(record, "question", where) + "\nA:";
  const std::string targetsName = massOfTrue ? "mc2_targets" : "mc1_targets";
  const json& targets = field(record, targetsName, where);
  document.choices = texts(field(targets, "choices", where), targetsName + ".choices", where);
  const json& labels = field(targets, "labels", where);
  if (!labels.is_array() || labels.size() != document.choices.size())
    throw Error(where + ": " + targetsName + ".labels does not give one label per choice");
  for (const auto& label : labels) document.trueAnswers.push_back(label == 1);
  document.gold = {0};
  return document;
}

// GSM8K: "Question: …\nAnswer:", answered by generation; the reference answer (reasoning ending
// in "#### number") is the document's one choice.
ChoiceDocument gsm8k(const json& record, const std::string& where) {
  ChoiceDocument document;
  document.text = "Question: " + text(record, "question", where) + "\nAnswer:";
  document.choices = {text(record, "answer", where)};
  document.gold = {0};
  return document;
}

ChoiceDocument userMultipleChoice(const json& record, const std::string& where,
                                  const ChoiceColumns& columns) {
  ChoiceDocument document;
  document.text = "Question: " + text(record, columns.question, where) + "\nAnswer:";
  document.choices = texts(field(record, columns.choices, where), columns.choices, where);
  const json& answer = field(record, columns.answer, where);
  if (answer.is_string()) {
    const auto value = answer.get<std::string>();
    const auto found = std::find(document.choices.begin(), document.choices.end(), value);
    if (found != document.choices.end()) {
      document.gold = {static_cast<size_t>(found - document.choices.begin())};
      return document;
    }
    if (value.size() == 1 && value[0] >= 'A' && value[0] <= 'Z') {
      document.gold = {static_cast<size_t>(value[0] - 'A')};
      return document;
    }
  }
  document.gold = {index(record, columns.answer, where)};
  return document;
}

bool hasFields(const json& record, std::initializer_list<const char*> names) {
  return std::all_of(names.begin(), names.end(),
                     [&](const char* name) { return record.contains(name); });
}

}  // namespace

std::string ChoiceDocument::solvedExample() const {
  if (partial()) return partialTexts.at(gold.at(0)) + " " + target;
  return text + " " + choices.at(gold.at(0));
}

const std::vector<ChoiceTaskInfo>& choiceTasks() {
  static const std::vector<ChoiceTaskInfo> tasks = {
      {"mmlu", "MMLU", "acc", true, false},
      {"hellaswag", "HellaSwag", "acc_norm", false, false},
      {"arc_easy", "ARC-Easy", "acc_norm", false, false},
      {"arc_challenge", "ARC-Challenge", "acc_norm", false, false},
      {"piqa", "PIQA", "acc_norm", false, false},
      {"winogrande", "Winogrande", "acc", false, false},
      {"truthfulqa_mc1", "TruthfulQA MC1", "acc", false, false},
      {"truthfulqa_mc2", "TruthfulQA MC2", "acc", false, true},
      {"multiple_choice", "Multiple choice (your columns)", "acc", false, false},
      {"gsm8k", "GSM8K (generated answers)", "exact_match,strict-match", false, false, true, 5},
  };
  return tasks;
}

const ChoiceTaskInfo& choiceTask(const std::string& id) {
  std::string known;
  for (const auto& task : choiceTasks()) {
    if (task.id == id) return task;
    known += (known.empty() ? "" : ", ") + task.id;
  }
  throw Error("unknown benchmark task \"" + id + "\" (known: " + known + ")");
}

std::optional<std::string> detectChoiceTask(const nlohmann::json& record) {
  if (!record.is_object()) return std::nullopt;
  if (hasFields(record, {"ctx_a", "ctx_b", "endings", "label", "activity_label"}))
    return "hellaswag";
  if (hasFields(record, {"sentence", "option1", "option2", "answer"})) return "winogrande";
  if (hasFields(record, {"goal", "sol1", "sol2", "label"})) return "piqa";
  if (hasFields(record, {"question", "mc2_targets"})) return "truthfulqa_mc2";
  if (hasFields(record, {"question", "mc1_targets"})) return "truthfulqa_mc1";
  if (hasFields(record, {"question", "choices", "answerKey"}) && record.at("choices").is_object())
    return "arc_easy";
  if (hasFields(record, {"question", "choices", "answer", "subject"})) return "mmlu";
  if (hasFields(record, {"question", "choices", "answer"}) && record.at("choices").is_array())
    return "multiple_choice";
  if (hasFields(record, {"question", "answer"}) && record.at("answer").is_string() &&
      record.at("answer").get<std::string>().find("####") != std::string::npos)
    return "gsm8k";
  return std::nullopt;
}

ChoiceDocument readChoiceDocument(const std::string& task, const nlohmann::json& record,
                                  const std::string& where, const ChoiceColumns& columns) {
  ChoiceDocument document;
  if (task == "mmlu")
    document = mmlu(record, where);
  else if (task == "hellaswag")
    document = hellaSwag(record, where);
  else if (task == "arc_easy" || task == "arc_challenge")
    document = arc(record, where);
  else if (task == "piqa")
    document = piqa(record, where);
  else if (task == "winogrande")
    document = winogrande(record, where);
  else if (task == "truthfulqa_mc1")
    document = truthfulQa(record, where, false);
  else if (task == "truthfulqa_mc2")
    document = truthfulQa(record, where, true);
  else if (task == "multiple_choice")
    document = userMultipleChoice(record, where, columns);
  else if (task == "gsm8k")
    document = gsm8k(record, where);
  else
    choiceTask(task);  // throws, naming the known tasks
  checkGold(document, where);
  document.record = record;
  return document;
}

}  // namespace tunebench
