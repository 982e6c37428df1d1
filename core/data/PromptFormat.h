#pragma once
// Renders typed examples into training text with preset formats, keeping which spans are prompt
// (no loss) and which are response (loss), so that label masks can follow. Chat templates from a
// model's tokenizer_config.json are rendered elsewhere and produce the same segments.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/Example.h"

namespace tunebench {

struct TextSegment {
  std::string text;
  bool trainable = false;  // the model learns to produce this span
  bool operator==(const TextSegment& o) const { return text == o.text && trainable == o.trainable; }
};

enum class PromptPreset {
  Alpaca,  // "### Instruction: ... ### Input: ... ### Response:" (Stanford Alpaca's wording)
  ChatML,  // <|im_start|>role\ncontent<|im_end|>\n
};

const char* promptPresetName(PromptPreset preset);  // "alpaca", "chatml"
// Throws tunebench::Error for an unknown name.
PromptPreset promptPresetFromName(const std::string& name);

// One training sequence. Raw text is all trainable; classification renders the text as prompt
// and the label as the response. Preference examples render the chosen answer (see below).
std::vector<TextSegment> renderExample(const Example& example, DatasetKind kind,
                                       PromptPreset preset);

// A preference example as (prompt + chosen, prompt + rejected).
std::pair<std::vector<TextSegment>, std::vector<TextSegment>> renderPreferencePair(
    const Example& example, PromptPreset preset);

// What a model trained on `preset` saw before its answer, for one plain instruction: the prompt
// part of renderExample for an instruction without input.
std::string renderInstructionPrompt(const std::string& instruction, PromptPreset preset);

// The preset whose fixed text a rendered prompt has around its instruction (a training file's
// prompt field, as the Data stage writes it), or none when it has neither's shape.
std::optional<PromptPreset> presetOfRenderedPrompt(const std::string& renderedPrompt);

// What was asked inside a prompt rendered with a preset, without the preset's fixed text: an
// Alpaca instruction (and its input after a blank line), or ChatML's last user turn. The prompt
// itself when it has neither shape. For showing prompts to people.
std::string instructionOfRenderedPrompt(const std::string& renderedPrompt);

}  // namespace tunebench
