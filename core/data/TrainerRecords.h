#pragma once
// Typed examples as the JSON Lines records the trainer reads (core/train/TrainingData.cpp):
// "text" for causal-LM training, and "prompt"/"response" for SFT, where only the response
// carries loss. Raw text has no prompt, so it gets "text" alone.
#include <string>

#include <nlohmann/json.hpp>

#include "data/Example.h"
#include "data/PromptFormat.h"
#include "data/TrainingTextFormat.h"

namespace tunebench {

// The preset that fits the kind when the user names none: ChatML for conversations, Alpaca
// for single instructions and classification.
PromptPreset defaultPresetFor(DatasetKind kind);

// The response is the last trainable span of the rendering; everything before it (earlier
// assistant turns of a conversation included) is the prompt, since the trainer masks one prompt.
// Preference records also carry "chosen" and "rejected" (each answer as rendered after the
// shared prompt): the prompt/chosen/rejected layout preference trainers such as DPO read.
nlohmann::json trainerRecord(const Example& example, DatasetKind kind, PromptPreset preset);
nlohmann::json trainerRecord(const Example& example, DatasetKind kind,
                             const TrainingTextFormat& format);

}  // namespace tunebench
