#pragma once
// The prompt format a run was trained with, read back from its training file: the Data stage
// writes each record's prompt already rendered with a preset (data/TrainerRecords.h), so the
// first record's prompt says which. Generating with a tuned model in that format asks it what it
// learnt to answer; a plain prompt asks something it never saw.
#include <optional>
#include <string>

#include "data/PromptFormat.h"

namespace tunebench {

// None when the file cannot be read, its first record has no such prompt field (raw text), or
// its prompts were rendered another way (a model's own chat template). Reads one line.
std::optional<PromptPreset> trainedPromptPreset(const std::string& trainFile,
                                                const std::string& promptField);

}  // namespace tunebench
