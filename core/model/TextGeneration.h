#pragma once
// Text in, text out, as `tunebench-cli generate` and the GUI's side-by-side generation do it:
// the prompt rendered with the model's chat template (or a built-in one) or used as is, EOS and
// end-of-turn markers as stops, and the new text streamed in pieces that are final (a token can
// change how earlier ones decode, so only text that stays is reported).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/Generation.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench {

struct TextPrompt {
  std::string text;          // with chat: the user message
  bool chat = false;         // render as a user turn with a chat template
  std::string system;        // with chat: an optional system message
  std::string chatTemplate;  // with chat: a preset name; empty = the model's own template
};

struct PreparedPrompt {
  std::string text;             // what the model reads, rendered
  std::vector<int64_t> ids;     // its tokens
  GenerationSettings settings;  // the caller's, with stop ids/strings and the decoder added
};

// Throws tunebench::Error for system/template without chat and for an unknown preset. The
// settings' decoder refers to the tokenizer: keep `tokenizer` alive while generating.
PreparedPrompt prepareTextPrompt(const LoadedTokenizer& tokenizer, const ModelConfig& config,
                                 const TextPrompt& prompt, GenerationSettings settings);

// Turns generated tokens into text incrementally: the new text is what decoding prompt +
// generated adds to the prompt's decoding, so a leading space that a tokenizer drops at the
// start of a text is kept.
class StreamingDecoder {
 public:
  StreamingDecoder(const Tokenizer& tokenizer, const std::vector<int64_t>& prompt);
  // Adds a token; returns the text that became final with it (often empty).
  std::string add(int64_t token);
  // All new text so far, including a tail that is not final yet.
  std::string text() const;
  const std::vector<int64_t>& generated() const { return generated_; }

 private:
  const Tokenizer& tokenizer_;
  std::vector<int> all_;
  std::vector<int64_t> generated_;
  std::string promptText_;
  std::string reported_;
};

struct TextGenerationResult {
  std::string text;  // the new text
  int64_t tokens = 0;
  double seconds = 0;
  bool stopped = false;  // onText asked to stop
};

// Generates one continuation; onText is called after every token with the text that became
// final with it (often empty) and returns false to stop. The model should be in eval mode.
TextGenerationResult generateText(CausalLMImpl& model, const Tokenizer& tokenizer,
                                  const PreparedPrompt& prompt,
                                  const std::function<bool(const std::string& piece)>& onText = {});

}  // namespace tunebench
