#include "model/TextGeneration.h"

#include <algorithm>
#include <chrono>

#include "chat/ChatTemplate.h"
#include "common/Error.h"

namespace tunebench {

namespace {

std::vector<int> toInts(const std::vector<int64_t>& ids) {
  return std::vector<int>(ids.begin(), ids.end());
}

void addStopId(GenerationSettings& settings, int64_t id) {
  if (id >= 0 &&
      std::find(settings.stopIds.begin(), settings.stopIds.end(), id) == settings.stopIds.end())
    settings.stopIds.push_back(id);
}

}  // namespace

PreparedPrompt prepareTextPrompt(const LoadedTokenizer& loaded, const ModelConfig& config,
                                 const TextPrompt& prompt, GenerationSettings settings) {
  const Tokenizer& tokenizer = *loaded.tokenizer;
  for (auto id : config.eosTokenIds) addStopId(settings, id);
  addStopId(settings, tokenizer.specialIds().eos);
  settings.decode = [&tokenizer](const std::vector<int64_t>& ids) {
    return tokenizer.decode(toInts(ids), true);
  };
  PreparedPrompt prepared;
  prepared.text = prompt.text;
  bool addSpecial = true;
  if (prompt.chat) {
    const auto chatTemplate = prompt.chatTemplate.empty()
                                  ? chatTemplateFor(loaded)
                                  : ChatTemplate::preset(prompt.chatTemplate);
    std::vector<ChatMessage> messages;
    if (!prompt.system.empty()) messages.push_back({"system", prompt.system});
    messages.push_back({"user", prompt.text});
    prepared.text = chatTemplate.render(messages, chatOptionsFor(loaded, true));
    addSpecial = false;  // the template writes the BOS text itself when it wants one
    // End-of-turn markers the template writes stop generation, as token or as text.
    for (const char* marker : {"<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>"}) {
      if (chatTemplate.source().find(marker) == std::string::npos) continue;
      settings.stopStrings.push_back(marker);
      addStopId(settings, tokenizer.tokenToId(marker));
    }
  } else if (!prompt.system.empty() || !prompt.chatTemplate.empty()) {
    throw Error("a system message and a chat template need chat mode");
  }
  for (int id : tokenizer.encode(prepared.text, addSpecial)) prepared.ids.push_back(id);
  if (prepared.ids.empty())
    throw Error("the prompt has no tokens and the tokenizer adds no BOS to start from");
  prepared.settings = std::move(settings);
  return prepared;
}

StreamingDecoder::StreamingDecoder(const Tokenizer& tokenizer, const std::vector<int64_t>& prompt)
    : tokenizer_(tokenizer), all_(toInts(prompt)), promptText_(tokenizer.decode(all_, true)) {}

std::string StreamingDecoder::text() const {
  const auto decoded = tokenizer_.decode(all_, true);
  if (decoded.compare(0, promptText_.size(), promptText_) == 0)
    return decoded.substr(promptText_.size());
  return tokenizer_.decode(toInts(generated_), true);
}

std::string StreamingDecoder::add(int64_t token) {
  generated_.push_back(token);
  all_.push_back(static_cast<int>(token));
  // Report the text that became final; a piece can change how earlier ones decode.
  const auto decoded = text();
  if (decoded.size() > reported_.size() && decoded.compare(0, reported_.size(), reported_) == 0) {
    auto piece = decoded.substr(reported_.size());
    reported_ = decoded;
    return piece;
  }
  return {};
}

TextGenerationResult generateText(CausalLMImpl& model, const Tokenizer& tokenizer,
                                  const PreparedPrompt& prompt,
                                  const std::function<bool(const std::string& piece)>& onText) {
  TextGenerationResult result;
  StreamingDecoder decoder(tokenizer, prompt.ids);
  const auto start = std::chrono::steady_clock::now();
  generate(model, {prompt.ids}, prompt.settings, [&](size_t, int64_t token) {
    const auto piece = decoder.add(token);
    if (onText && !onText(piece)) {
      result.stopped = true;
      return false;
    }
    return true;
  });
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.tokens = static_cast<int64_t>(decoder.generated().size());
  result.text = decoder.text();
  return result;
}

}  // namespace tunebench
