#include "eval/TrainedPromptFormat.h"

#include <filesystem>
#include <fstream>

#include "common/JsonFile.h"

namespace tunebench {

namespace {

// A first record longer than this is not a prompt worth reading for its shape.
constexpr std::streamsize kMaxLineBytes = std::streamsize(16) << 20;

}  // namespace

std::optional<PromptPreset> trainedPromptPreset(const std::string& trainFile,
                                                const std::string& promptField) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(trainFile, ec)) return std::nullopt;  // not a FIFO
  std::ifstream in(trainFile, std::ios::binary);
  if (!in) return std::nullopt;
  std::string line;
  char c = 0;
  while (in.get(c)) {
    if (c == '\n') {
      if (line.find_first_not_of(" \t\r") != std::string::npos) break;
      line.clear();
      continue;
    }
    if (static_cast<std::streamsize>(line.size()) >= kMaxLineBytes) return std::nullopt;
    line += c;
  }
  const auto record = parseJsonOrDiscarded(line);
  if (!record.is_object() || !record.contains(promptField) || !record[promptField].is_string())
    return std::nullopt;
  return presetOfRenderedPrompt(record[promptField].get<std::string>());
}

}  // namespace tunebench
