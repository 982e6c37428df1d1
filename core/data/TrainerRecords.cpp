#include "data/TrainerRecords.h"

namespace tunebench {

PromptPreset defaultPresetFor(DatasetKind kind) {
  return kind == DatasetKind::Chat || kind == DatasetKind::Preference ? PromptPreset::ChatML
                                                                      : PromptPreset::Alpaca;
}

nlohmann::json trainerRecord(const Example& example, DatasetKind kind, PromptPreset preset) {
  if (kind == DatasetKind::RawText) return {{"text", example.text}};
  const auto segments = renderExample(example, kind, preset);
  size_t last = segments.size();
  while (last > 0 && !segments[last - 1].trainable) --last;
  std::string prompt, response, tail;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (last > 0 && i + 1 == last)
      response = segments[i].text;
    else if (i + 1 < last || last == 0)
      prompt += segments[i].text;
    else
      tail += segments[i].text;  // untrained text after the answer (a closing newline)
  }
  return {{"prompt", prompt}, {"response", response}, {"text", prompt + response + tail}};
}

}  // namespace tunebench
