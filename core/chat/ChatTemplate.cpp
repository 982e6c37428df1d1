#include "chat/ChatTemplate.h"

#include "chat/ChatPresets.h"
#include "chat/JinjaTemplate.h"
#include "common/Error.h"

namespace tunebench {

namespace {

jinja::ValueDict makeContext(const nlohmann::ordered_json& messages,
                             const ChatRenderOptions& options) {
  if (!messages.is_array()) throw Error("rendering chat: messages must be a JSON array");
  for (size_t i = 0; i < messages.size(); ++i)
    if (!messages[i].is_object() || !messages[i].contains("role"))
      throw Error("rendering chat: messages[" + std::to_string(i) + "] has no \"role\"");
  if (!options.extraContext.is_object())
    throw Error("rendering chat: extra context must be a JSON object");
  jinja::ValueDict context;
  context.set("bos_token", jinja::Value(options.bosToken));
  context.set("eos_token", jinja::Value(options.eosToken));
  for (auto it = options.extraContext.begin(); it != options.extraContext.end(); ++it)
    context.set(it.key(), jinja::Value::fromJson(it.value()));
  context.set("messages", jinja::Value::fromJson(messages));
  context.set("add_generation_prompt", jinja::Value(options.addGenerationPrompt));
  return context;
}

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

nlohmann::ordered_json toJsonMessages(const std::vector<ChatMessage>& messages) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& m : messages) out.push_back({{"role", m.role}, {"content", m.content}});
  return out;
}

ChatTemplate::ChatTemplate(const std::string& source)
    : template_(std::make_shared<const jinja::Template>(source)) {}

std::vector<std::string> ChatTemplate::presetNames() {
  return chatPresetNames();
}

ChatTemplate ChatTemplate::preset(const std::string& name) {
  return ChatTemplate(chatPresetSource(name));
}

ChatTemplate ChatTemplate::forConfig(const TokenizerConfig& config, const std::string& fallback,
                                     const std::string& name) {
  if (const auto source = config.chatTemplate(name)) {
    try {
      return ChatTemplate(*source);
    } catch (const Error& e) {
      throw e.within("tokenizer_config.json: chat_template");
    }
  }
  return preset(fallback);
}

const std::string& ChatTemplate::source() const {
  return template_->source();
}

std::string ChatTemplate::render(const nlohmann::ordered_json& messages,
                                 const ChatRenderOptions& options) const {
  return template_->render(makeContext(messages, options));
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages,
                                 const ChatRenderOptions& options) const {
  return render(toJsonMessages(messages), options);
}

RenderedChat ChatTemplate::renderWithSpans(const nlohmann::ordered_json& messages,
                                           const ChatRenderOptions& options) const {
  RenderedChat result;
  std::vector<size_t> assistants;
  for (size_t i = 0; i < messages.size(); ++i)
    if (messages[i].is_object() && messages[i].value("role", "") == "assistant")
      assistants.push_back(i);

  if (template_->hasGenerationBlocks()) {
    std::vector<std::pair<size_t, size_t>> spans;
    result.text = template_->render(makeContext(messages, options), &spans);
    if (spans.size() != assistants.size())
      throw Error("rendering chat: the template wrote " + std::to_string(spans.size()) +
                  " {% generation %} blocks for " + std::to_string(assistants.size()) +
                  " assistant messages");
    for (size_t k = 0; k < spans.size(); ++k)
      result.assistantSpans.push_back({assistants[k], spans[k].first, spans[k].second});
    return result;
  }

  result.text = render(messages, options);
  for (size_t index : assistants) {
    nlohmann::ordered_json before = nlohmann::ordered_json::array();
    for (size_t i = 0; i < index; ++i) before.push_back(messages[i]);
    nlohmann::ordered_json through = before;
    through.push_back(messages[index]);
    ChatRenderOptions prompt = options, turn = options;
    prompt.addGenerationPrompt = true;
    turn.addGenerationPrompt = false;
    const std::string prefix = render(before, prompt);
    const std::string upTo = render(through, turn);
    if (!startsWith(upTo, prefix) || !startsWith(result.text, upTo))
      throw Error(
          "rendering chat: the template does not render messages[" + std::to_string(index) +
          "] as a continuation of the earlier messages, so its assistant span cannot be located "
          "(add {% generation %} blocks to the template)");
    result.assistantSpans.push_back({index, prefix.size(), upTo.size()});
  }
  return result;
}

ChatRenderOptions chatOptionsFor(const LoadedTokenizer& loaded, bool addGenerationPrompt) {
  ChatRenderOptions options;
  options.addGenerationPrompt = addGenerationPrompt;
  const SpecialTokenIds ids = loaded.tokenizer->specialIds();
  // The config's strings win; otherwise the tokenizer's own special tokens.
  auto text = [&](const std::optional<std::string>& configured, int id) -> std::string {
    if (configured) return *configured;
    return id >= 0 ? loaded.tokenizer->idToToken(id) : std::string();
  };
  options.bosToken = text(loaded.config.bosToken, ids.bos);
  options.eosToken = text(loaded.config.eosToken, ids.eos);
  const std::string pad = text(loaded.config.padToken, ids.pad);
  const std::string unk = text(loaded.config.unkToken, ids.unk);
  if (!pad.empty()) options.extraContext["pad_token"] = pad;
  if (!unk.empty()) options.extraContext["unk_token"] = unk;
  return options;
}

ChatTemplate chatTemplateFor(const LoadedTokenizer& loaded, const std::string& fallback) {
  return ChatTemplate::forConfig(loaded.config, fallback);
}

RenderedChat ChatTemplate::renderWithSpans(const std::vector<ChatMessage>& messages,
                                           const ChatRenderOptions& options) const {
  return renderWithSpans(toJsonMessages(messages), options);
}

}  // namespace tunebench
