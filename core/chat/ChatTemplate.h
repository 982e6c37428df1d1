#pragma once
// Renders a conversation with a model's chat template (tokenizer_config.json "chat_template")
// or a built-in preset, and locates the assistant responses in the rendered text (the spans the
// label masks of supervised fine-tuning train on).
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tokenizer/TokenizerConfig.h"
#include "tokenizer/TokenizerLoader.h"

namespace tunebench {

namespace jinja {
class Template;
}

struct ChatMessage {
  std::string role;  // system | user | assistant | tool ...
  std::string content;
};

struct ChatRenderOptions {
  bool addGenerationPrompt = false;
  std::string bosToken;
  std::string eosToken;
  // More template variables (tools, documents, pad_token, ...), merged into the context.
  nlohmann::ordered_json extraContext = nlohmann::ordered_json::object();
};

// Byte range [begin, end) of the rendered text produced for one assistant message: its content
// and the end-of-turn text the template writes after it (what the model must learn to emit).
struct AssistantSpan {
  size_t messageIndex = 0;
  size_t begin = 0;
  size_t end = 0;
};

struct RenderedChat {
  std::string text;
  std::vector<AssistantSpan> assistantSpans;
};

class ChatTemplate {
 public:
  // Throws tunebench::Error naming the line and column of a syntax error.
  explicit ChatTemplate(const std::string& source);

  // Built-in templates: chatml, llama-2, llama-3, alpaca, human-assistant.
  static std::vector<std::string> presetNames();
  static ChatTemplate preset(const std::string& name);
  // The config's template (named `name`, else its default), else the preset `fallback`.
  static ChatTemplate forConfig(const TokenizerConfig& config,
                                const std::string& fallback = "chatml",
                                const std::string& name = "default");

  // messages: a JSON array of objects with at least "role" and "content".
  std::string render(const nlohmann::ordered_json& messages,
                     const ChatRenderOptions& options) const;
  std::string render(const std::vector<ChatMessage>& messages,
                     const ChatRenderOptions& options) const;

  // The text and its assistant spans. With {% generation %} blocks in the template, the spans
  // are what those blocks wrote (in assistant message order). Otherwise, for assistant message i
  // the span runs from the end of messages[0..i) rendered with the generation prompt to the end
  // of messages[0..i] rendered without it; when the template does not render conversations as
  // prefixes of each other this throws tunebench::Error naming the message.
  RenderedChat renderWithSpans(const nlohmann::ordered_json& messages,
                               const ChatRenderOptions& options) const;
  RenderedChat renderWithSpans(const std::vector<ChatMessage>& messages,
                               const ChatRenderOptions& options) const;

  const std::string& source() const;

 private:
  std::shared_ptr<const jinja::Template> template_;
};

nlohmann::ordered_json toJsonMessages(const std::vector<ChatMessage>& messages);

// Render options carrying the special token strings of a loaded tokenizer (bos_token,
// eos_token, and pad_token/unk_token as extra variables), as transformers passes them.
ChatRenderOptions chatOptionsFor(const LoadedTokenizer& tokenizer,
                                 bool addGenerationPrompt = false);

// The chat template of a loaded tokenizer folder, else the preset `fallback`.
ChatTemplate chatTemplateFor(const LoadedTokenizer& tokenizer,
                             const std::string& fallback = "chatml");

}  // namespace tunebench
