#include "data/TrainerRecords.h"

namespace tunebench {

PromptPreset defaultPresetFor(DatasetKind kind) {
  return kind == DatasetKind::Chat || kind == DatasetKind::Preference ? PromptPreset::ChatML
                                                                      : PromptPreset::Alpaca;
}

namespace {

struct SplitRendering {
  std::string prompt, response, tail;
};

// The response is the last trainable segment; what comes before it is the prompt.
SplitRendering splitRendering(const std::vector<TextSegment>& segments) {
  size_t last = segments.size();
  while (last > 0 && !segments[last - 1].trainable) --last;
  SplitRendering split;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (last > 0 && i + 1 == last)
      split.response = segments[i].text;
    else if (i + 1 < last || last == 0)
      split.prompt += segments[i].text;
    else
      split.tail += segments[i].text;  // untrained text after the answer (a closing newline)
  }
  return split;
}

}  // namespace

nlohmann::json trainerRecord(const Example& example, DatasetKind kind, PromptPreset preset) {
  return trainerRecord(example, kind, TrainingTextFormat(preset));
}

nlohmann::json trainerRecord(const Example& example, DatasetKind kind,
                             const TrainingTextFormat& format) {
  if (kind == DatasetKind::RawText) return {{"text", example.text}};
  const auto split = splitRendering(renderExample(example, kind, format));
  nlohmann::json record{{"prompt", split.prompt},
                        {"response", split.response},
                        {"text", split.prompt + split.response + split.tail}};
  if (kind == DatasetKind::Preference) {
    // Both answers after the same prompt, as preference trainers (DPO) read them.
    const auto rejected = splitRendering(renderPreferencePair(example, format).second);
    record["chosen"] = split.response;
    record["rejected"] = rejected.response;
  }
  return record;
}

}  // namespace tunebench
