#pragma once
// How typed examples become training text: a preset format (alpaca, chatml) or a model's own
// chat template (tokenizer_config.json "chat_template"). Either way the rendering keeps which
// spans are prompt and which are response, so label masks follow the text.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/ChatTemplate.h"
#include "data/Example.h"
#include "data/PromptFormat.h"

namespace tunebench {

struct TrainingTextFormat {
  TrainingTextFormat() = default;
  // A preset is a format; implicit so that calls naming a preset keep working.
  TrainingTextFormat(PromptPreset preset) : preset(preset) {}  // NOLINT(runtime/explicit)

  PromptPreset preset = PromptPreset::Alpaca;
  // When set, conversations are rendered with this template instead of the preset.
  std::shared_ptr<const ChatTemplate> chatTemplate;
  ChatRenderOptions renderOptions;
  std::string templateSource;  // where the template came from, for messages

  // The chat template of a model folder's tokenizer_config.json. BOS is left to the trainer
  // (it adds one where the tokenizer's rules do), so the template's bos_token renders empty.
  // Throws tunebench::Error naming the file when the folder has no template or it is broken.
  static TrainingTextFormat fromModelFolder(const std::filesystem::path& folder);

  bool usesChatTemplate() const { return chatTemplate != nullptr; }
  // "alpaca", "chatml" or "chat template of <folder>".
  std::string name() const;
};

// One training sequence as segments. Raw text is all trainable; with a chat template an
// instruction is one user turn and its output the assistant turn, classification the text as
// the user turn and the label as the answer. Throws tunebench::Error (naming the template)
// when the template fails on the example.
std::vector<TextSegment> renderExample(const Example& example, DatasetKind kind,
                                       const TrainingTextFormat& format);

// A preference example as (prompt + chosen, prompt + rejected); only the answers are trainable.
std::pair<std::vector<TextSegment>, std::vector<TextSegment>> renderPreferencePair(
    const Example& example, const TrainingTextFormat& format);

}  // namespace tunebench
