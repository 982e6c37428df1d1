#include "data/PromptFormat.h"

#include "common/Error.h"

namespace tunebench {

namespace {

constexpr const char* kAlpacaWithInput =
    "Below is an instruction that describes a task, paired with an input that provides further "
    "context. Write a response that appropriately completes the request.\n\n";
constexpr const char* kAlpacaNoInput =
    "Below is an instruction that describes a task. Write a response that appropriately "
    "completes the request.\n\n";

// Joins neighbours with the same flag, so that segment lists compare and tokenise simply.
void append(std::vector<TextSegment>& out, std::string text, bool trainable) {
  if (text.empty()) return;
  if (!out.empty() && out.back().trainable == trainable) {
    out.back().text += text;
    return;
  }
  out.push_back({std::move(text), trainable});
}

void renderChatML(std::vector<TextSegment>& out, const std::vector<Message>& messages,
                  bool answersTrainable) {
  for (const auto& m : messages) {
    append(out, "<|im_start|>" + m.role + "\n", false);
    const bool trainable = answersTrainable && m.role == "assistant";
    // The end marker is learnt with the answer: it is how the model stops.
    append(out, m.content + "<|im_end|>", trainable);
    append(out, "\n", false);
  }
}

std::string alpacaPrompt(const std::string& instruction, const std::string& input) {
  if (input.empty())
    return std::string(kAlpacaNoInput) + "### Instruction:\n" + instruction + "\n\n### Response:\n";
  return std::string(kAlpacaWithInput) + "### Instruction:\n" + instruction + "\n\n### Input:\n" +
         input + "\n\n### Response:\n";
}

// Alpaca has no turns: earlier turns go into the instruction, the last answer is the response.
void renderAlpacaTurns(std::vector<TextSegment>& out, const std::vector<Message>& prompt,
                       const std::vector<Message>& answer) {
  std::string instruction;
  for (const auto& m : prompt) {
    if (!instruction.empty()) instruction += "\n\n";
    instruction += m.role == "user" ? m.content : m.role + ": " + m.content;
  }
  std::string response;
  for (const auto& m : answer) response += (response.empty() ? "" : "\n\n") + m.content;
  append(out, alpacaPrompt(instruction, ""), false);
  append(out, response, true);
}

std::vector<Message> untilLastAnswer(const std::vector<Message>& messages,
                                     std::vector<Message>& answer) {
  size_t last = messages.size();
  while (last > 0 && messages[last - 1].role != "assistant") --last;
  if (last == 0) return messages;
  answer = {messages[last - 1]};
  return std::vector<Message>(messages.begin(), messages.begin() + long(last - 1));
}

}  // namespace

const char* promptPresetName(PromptPreset preset) {
  return preset == PromptPreset::Alpaca ? "alpaca" : "chatml";
}

PromptPreset promptPresetFromName(const std::string& name) {
  if (name == "alpaca") return PromptPreset::Alpaca;
  if (name == "chatml") return PromptPreset::ChatML;
  throw Error("unknown prompt format \"" + name + "\" (expected alpaca or chatml)");
}

std::vector<TextSegment> renderExample(const Example& e, DatasetKind kind, PromptPreset preset) {
  std::vector<TextSegment> out;
  switch (kind) {
    case DatasetKind::RawText:
      append(out, e.text, true);
      break;
    case DatasetKind::Instruction:
      if (preset == PromptPreset::Alpaca) {
        append(out, alpacaPrompt(e.instruction, e.input), false);
        append(out, e.output, true);
      } else {
        const std::string user = e.input.empty() ? e.instruction : e.instruction + "\n\n" + e.input;
        renderChatML(out, {{"user", user}, {"assistant", e.output}}, true);
      }
      break;
    case DatasetKind::Chat:
      if (preset == PromptPreset::ChatML) {
        renderChatML(out, e.messages, true);
      } else {
        std::vector<Message> answer;
        const auto prompt = untilLastAnswer(e.messages, answer);
        renderAlpacaTurns(out, prompt, answer);
      }
      break;
    case DatasetKind::Preference:
      return renderPreferencePair(e, preset).first;
    case DatasetKind::Classification:
      if (preset == PromptPreset::Alpaca) {
        append(out, alpacaPrompt("Classify the text.", e.text), false);
        append(out, e.label, true);
      } else {
        renderChatML(out, {{"user", e.text}, {"assistant", e.label}}, true);
      }
      break;
  }
  return out;
}

std::pair<std::vector<TextSegment>, std::vector<TextSegment>> renderPreferencePair(
    const Example& e, PromptPreset preset) {
  auto render = [&](const std::vector<Message>& answer) {
    std::vector<TextSegment> out;
    if (preset == PromptPreset::ChatML) {
      renderChatML(out, e.messages, false);
      renderChatML(out, answer, true);
    } else {
      renderAlpacaTurns(out, e.messages, answer);
    }
    return out;
  };
  return {render(e.chosen), render(e.rejected)};
}

std::string renderInstructionPrompt(const std::string& instruction, PromptPreset preset) {
  Example example;
  example.instruction = instruction;
  std::string prompt;
  for (const auto& segment : renderExample(example, DatasetKind::Instruction, preset)) {
    if (segment.trainable) break;
    prompt += segment.text;
  }
  return prompt;
}

std::optional<PromptPreset> presetOfRenderedPrompt(const std::string& renderedPrompt) {
  auto startsWith = [&](const std::string& prefix) {
    return renderedPrompt.compare(0, prefix.size(), prefix) == 0;
  };
  auto endsWith = [&](const std::string& suffix) {
    return renderedPrompt.size() >= suffix.size() &&
           renderedPrompt.compare(renderedPrompt.size() - suffix.size(), suffix.size(), suffix) ==
               0;
  };
  if ((startsWith(kAlpacaNoInput) || startsWith(kAlpacaWithInput)) &&
      endsWith("\n\n### Response:\n"))
    return PromptPreset::Alpaca;
  if (startsWith("<|im_start|>") && endsWith("<|im_start|>assistant\n"))
    return PromptPreset::ChatML;
  return std::nullopt;
}

std::string instructionOfRenderedPrompt(const std::string& renderedPrompt) {
  const auto preset = presetOfRenderedPrompt(renderedPrompt);
  if (!preset) return renderedPrompt;
  if (*preset == PromptPreset::ChatML) {
    const std::string open = "<|im_start|>user\n";
    const auto start = renderedPrompt.rfind(open);
    if (start == std::string::npos) return renderedPrompt;
    const auto from = start + open.size();
    const auto end = renderedPrompt.find("<|im_end|>", from);
    return renderedPrompt.substr(from, end == std::string::npos ? std::string::npos : end - from);
  }
  const std::string prefix =
      renderedPrompt.rfind(kAlpacaNoInput, 0) == 0 ? kAlpacaNoInput : kAlpacaWithInput;
  const std::string instructionMark = "### Instruction:\n";
  const std::string inputMark = "\n\n### Input:\n";
  const std::string responseMark = "\n\n### Response:\n";
  std::string body = renderedPrompt.substr(
      prefix.size(), renderedPrompt.size() - prefix.size() - responseMark.size());
  if (body.rfind(instructionMark, 0) == 0) body.erase(0, instructionMark.size());
  if (const auto input = body.find(inputMark); input != std::string::npos)
    body.replace(input, inputMark.size(), "\n\n");
  return body;
}

}  // namespace tunebench
