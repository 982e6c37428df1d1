#include "eval/GenerationComparisonJob.h"

#include <nlohmann/json.hpp>

#include "common/Error.h"
#include "common/JsonFile.h"
#include "eval/ModelSourceLoading.h"
#include "model/TextGeneration.h"
#include "store/GenerationComparisonRepository.h"
#include "store/ProjectStore.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench {

const EnumNames<PromptChoice>& promptChoiceNames() {
  static const EnumNames<PromptChoice> names{
      {PromptChoice::AsTrained, "as_trained", "As each run was trained"},
      {PromptChoice::AsTyped, "as_typed", "As typed"},
      {PromptChoice::Alpaca, "alpaca", "Alpaca instruction"},
      {PromptChoice::ChatML, "chatml", "ChatML user turn"},
      {PromptChoice::ChatTemplate, "chat_template", "Each model's chat template"},
  };
  return names;
}

namespace {

// What a column's prompt becomes: a preset, the model's chat template, or the text as typed.
struct ColumnPrompt {
  std::optional<PromptPreset> preset;
  bool chat = false;
  bool asTrained = false;  // the preset is the run's own
};

ColumnPrompt columnPrompt(const ComparisonColumn& column, PromptChoice choice) {
  switch (choice) {
    case PromptChoice::AsTrained:
      return {column.trainedPreset, false, column.trainedPreset.has_value()};
    case PromptChoice::AsTyped:
      return {};
    case PromptChoice::Alpaca:
      return {PromptPreset::Alpaca, false, false};
    case PromptChoice::ChatML:
      return {PromptPreset::ChatML, false, false};
    case PromptChoice::ChatTemplate:
      return {std::nullopt, true, false};
  }
  return {};
}

}  // namespace

std::string columnPromptFormat(const ComparisonColumn& column, PromptChoice choice) {
  const auto prompt = columnPrompt(column, choice);
  if (prompt.chat) return "chat template";
  if (!prompt.preset) return "as typed";
  const std::string name = *prompt.preset == PromptPreset::Alpaca ? "Alpaca" : "ChatML";
  return prompt.asTrained ? name + " (as trained)" : name;
}

std::string ComparisonSettings::toJson() const {
  return nlohmann::json{{"max_new_tokens", maxNewTokens},
                        {"temperature", temperature},
                        {"top_k", topK},
                        {"top_p", topP},
                        {"seed", seed},
                        {"prompt", fileNameOf(promptChoiceNames(), prompt)}}
      .dump();
}

ComparisonSettings ComparisonSettings::fromJson(const std::string& text) {
  ComparisonSettings settings;
  nlohmann::json json = parseJson(text, "generation settings");
  if (!json.is_object()) throw Error("generation settings are not a JSON object");
  auto read = [&json](const char* key, auto& value) {
    const auto found = json.find(key);
    if (found == json.end()) return;
    try {
      value = found->get<std::decay_t<decltype(value)>>();
    } catch (const nlohmann::json::exception&) {
      throw Error(std::string("generation settings: ") + key + " has the wrong type");
    }
  };
  read("max_new_tokens", settings.maxNewTokens);
  read("temperature", settings.temperature);
  read("top_k", settings.topK);
  read("top_p", settings.topP);
  read("seed", settings.seed);
  // Comparisons stored before prompt formats had only "chat": the template, or the text as typed.
  bool chat = false;
  read("chat", chat);
  settings.prompt = chat ? PromptChoice::ChatTemplate : PromptChoice::AsTyped;
  std::string prompt;
  read("prompt", prompt);
  if (!prompt.empty()) {
    const auto choice = enumFromFileName(promptChoiceNames(), prompt);
    if (!choice)
      throw Error("generation settings: prompt \"" + prompt + "\" is not one of " +
                  fileNamesListed(promptChoiceNames()));
    settings.prompt = *choice;
  }
  return settings;
}

GenerationComparisonJob::GenerationComparisonJob(ComparisonRequest request)
    : request_(std::move(request)), outputs_(request_.columns.size()) {}

std::vector<ColumnOutput> GenerationComparisonJob::outputs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return outputs_;
}

void GenerationComparisonJob::run(JobContext& context) {
  if (request_.prompt.empty()) throw Error("side-by-side generation: write a prompt");
  if (request_.columns.empty()) throw Error("side-by-side generation: choose at least one model");
  if (request_.columns.size() > kMaxColumns)
    throw Error("side-by-side generation compares at most " + std::to_string(kMaxColumns) +
                " models");
  if (!request_.projectFile.empty()) {
    // A project that cannot take the result fails now, not after the generations.
    auto project = store::ProjectStore::open(request_.projectFile);
    if (project.isReadOnly())
      throw Error(request_.projectFile + " is open read-only (" + project.readOnlyReason() +
                  "); storing a comparison needs a project it can write");
  }
  for (size_t i = 0; i < request_.columns.size(); ++i) {
    if (context.isCanceled()) return;
    generateColumn(i, context);
  }
  if (context.isCanceled()) return;
  if (!request_.projectFile.empty()) store();
  context.progress(static_cast<int64_t>(request_.columns.size()),
                   static_cast<int64_t>(request_.columns.size()), "done");
}

void GenerationComparisonJob::generateColumn(size_t index, JobContext& context) {
  const auto& column = request_.columns[index];
  const int64_t total = static_cast<int64_t>(request_.columns.size());
  const std::string which = column.label.empty() ? column.source.describe() : column.label;
  context.progress(static_cast<int64_t>(index), total, "loading " + which);
  withContext(which, [&] {
    auto loaded = loadModelSource(column.source);
    const auto tokenizer = loadTokenizer(column.source.modelFolder);
    GenerationSettings settings;
    const auto& s = request_.settings;
    settings.maxNewTokens = s.maxNewTokens;
    settings.temperature = s.temperature;
    settings.topK = s.topK;
    settings.topP = s.topP;
    settings.seed = s.seed;
    const auto format = columnPrompt(column, s.prompt);
    TextPrompt prompt;
    prompt.text =
        format.preset ? renderInstructionPrompt(request_.prompt, *format.preset) : request_.prompt;
    prompt.chat = format.chat;
    const auto prepared = prepareTextPrompt(tokenizer, loaded.model->config(), prompt, settings);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      outputs_[index].started = true;
    }
    context.progress(static_cast<int64_t>(index), total, "generating with " + which);
    const auto result =
        generateText(*loaded.model, *tokenizer.tokenizer, prepared, [&](const std::string& piece) {
          {
            std::lock_guard<std::mutex> lock(mutex_);
            ++outputs_[index].tokens;
            if (!piece.empty()) {
              outputs_[index].text += piece;
              ++revision_;
            }
          }
          return !context.isCanceled();
        });
    std::lock_guard<std::mutex> lock(mutex_);
    auto& output = outputs_[index];
    // The whole decoding: a tail that never became final is part of the answer too.
    output.text = result.text;
    output.tokens = result.tokens;
    output.seconds = result.seconds;
    output.done = !result.stopped;
    ++revision_;
    return 0;
  });
}

void GenerationComparisonJob::store() {
  store::GenerationComparisonRecord record;
  record.prompt = request_.prompt;
  record.settings = request_.settings.toJson();
  const auto outputs = this->outputs();
  for (size_t i = 0; i < request_.columns.size(); ++i) {
    const auto& column = request_.columns[i];
    store::GenerationOutputRecord output;
    output.label =
        column.label + " · prompt: " + columnPromptFormat(column, request_.settings.prompt);
    output.runId = column.runId;
    output.checkpointStep = column.checkpointStep;
    output.modelFolder = column.source.modelFolder;
    output.adapterFolder = column.source.adapterFolder;
    output.checkpointFolder = column.source.checkpointFolder;
    output.text = outputs[i].text;
    output.tokens = outputs[i].tokens;
    output.seconds = outputs[i].seconds;
    record.outputs.push_back(std::move(output));
  }
  auto project = store::ProjectStore::open(request_.projectFile);
  comparisonId_ = store::GenerationComparisonRepository(project).add(record);
}

}  // namespace tunebench
