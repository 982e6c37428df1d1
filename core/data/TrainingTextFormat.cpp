#include "data/TrainingTextFormat.h"

#include "common/Error.h"
#include "tokenizer/TokenizerConfig.h"

namespace tunebench {

namespace fs = std::filesystem;

TrainingTextFormat TrainingTextFormat::fromModelFolder(const fs::path& folder) {
  const auto file = folder / "tokenizer_config.json";
  if (!fs::exists(file))
    throw Error(file.string() +
                " does not exist, so the model has no chat template; choose a "
                "preset format (alpaca or chatml) instead");
  const auto config = TokenizerConfig::fromFile(file.string());
  const auto source = config.chatTemplate();
  if (!source)
    throw Error(file.string() +
                " has no chat_template; choose a preset format (alpaca or "
                "chatml) instead");
  TrainingTextFormat format;
  try {
    format.chatTemplate = std::make_shared<const ChatTemplate>(*source);
  } catch (const Error& e) {
    throw e.within(file.string() + ": chat_template");
  }
  format.renderOptions.bosToken = "";
  format.renderOptions.eosToken = config.eosToken.value_or("");
  format.templateSource = file.string();
  return format;
}

std::string TrainingTextFormat::name() const {
  if (chatTemplate) return "chat template of " + templateSource;
  return promptPresetName(preset);
}

namespace {

nlohmann::ordered_json toMessages(const std::vector<Message>& messages) {
  auto json = nlohmann::ordered_json::array();
  for (const auto& m : messages) json.push_back({{"role", m.role}, {"content", m.content}});
  return json;
}

// The text between assistant spans is prompt; a span is trainable when its message index is
// at or after `firstTrainedMessage`.
std::vector<TextSegment> segmentsOf(const RenderedChat& chat, size_t firstTrainedMessage) {
  std::vector<TextSegment> out;
  auto append = [&](std::string text, bool trainable) {
    if (text.empty()) return;
    if (!out.empty() && out.back().trainable == trainable) {
      out.back().text += text;
      return;
    }
    out.push_back({std::move(text), trainable});
  };
  size_t position = 0;
  for (const auto& span : chat.assistantSpans) {
    if (span.begin < position || span.end < span.begin || span.end > chat.text.size())
      throw Error("the chat template's assistant spans are out of order");
    append(chat.text.substr(position, span.begin - position), false);
    append(chat.text.substr(span.begin, span.end - span.begin),
           span.messageIndex >= firstTrainedMessage);
    position = span.end;
  }
  append(chat.text.substr(position), false);
  return out;
}

std::vector<TextSegment> renderChat(const TrainingTextFormat& format,
                                    const std::vector<Message>& messages,
                                    size_t firstTrainedMessage) {
  try {
    return segmentsOf(
        format.chatTemplate->renderWithSpans(toMessages(messages), format.renderOptions),
        firstTrainedMessage);
  } catch (const Error& e) {
    throw e.within(format.templateSource + ": chat_template");
  }
}

}  // namespace

std::vector<TextSegment> renderExample(const Example& e, DatasetKind kind,
                                       const TrainingTextFormat& format) {
  if (!format.usesChatTemplate()) return renderExample(e, kind, format.preset);
  switch (kind) {
    case DatasetKind::RawText:
      return renderExample(e, kind, format.preset);
    case DatasetKind::Instruction: {
      const std::string user = e.input.empty() ? e.instruction : e.instruction + "\n\n" + e.input;
      return renderChat(format, {{"user", user}, {"assistant", e.output}}, 0);
    }
    case DatasetKind::Chat:
      return renderChat(format, e.messages, 0);
    case DatasetKind::Preference:
      return renderPreferencePair(e, format).first;
    case DatasetKind::Classification:
      return renderChat(format, {{"user", e.text}, {"assistant", e.label}}, 0);
  }
  return {};
}

std::pair<std::vector<TextSegment>, std::vector<TextSegment>> renderPreferencePair(
    const Example& e, const TrainingTextFormat& format) {
  if (!format.usesChatTemplate()) return renderPreferencePair(e, format.preset);
  auto render = [&](const std::vector<Message>& answer) {
    auto messages = e.messages;
    messages.insert(messages.end(), answer.begin(), answer.end());
    return renderChat(format, messages, e.messages.size());
  };
  return {render(e.chosen), render(e.rejected)};
}

}  // namespace tunebench
