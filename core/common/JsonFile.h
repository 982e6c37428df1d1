#pragma once
// Reading text and JSON that come from users (model folders, configs, datasets, project columns)
// with limits checked before anything is built, and errors that name the source and position.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tunebench {

struct JsonLimits {
  // Nesting of objects and arrays. Real files nest a few levels; hostile ones nest deep enough to
  // exhaust the stack of any recursive reader, so the nesting is checked on the raw text first.
  size_t maxDepth = 512;
  // Size of the text. Tokenizer files of today's models are up to ~35 MB.
  uint64_t maxBytes = uint64_t(256) << 20;
};

// Throws tunebench::Error "<source>: JSON nested deeper than N levels at line L, column C" when
// the text's objects and arrays nest deeper than `maxDepth`; never builds a value.
void checkJsonNesting(std::string_view text, const std::string& source, size_t maxDepth);

// Parses JSON text read from `source` (a file name, "line 3 of data.jsonl", a project column).
// Throws tunebench::Error naming `source` and the position for invalid JSON, text over the size
// limit or nesting over the depth limit.
nlohmann::json parseJson(std::string_view text, const std::string& source,
                         const JsonLimits& limits = {});

// The same limits, without throwing: a discarded value (is_discarded()) for text that is not
// valid JSON or exceeds a limit. For values the caller treats as optional or already validated.
nlohmann::json parseJsonOrDiscarded(std::string_view text, const JsonLimits& limits = {});

// Reads a whole regular file (links resolved) of at most `maxBytes`. Throws tunebench::Error
// "<path>: cannot be opened: ..." when it is missing, not a regular file (a folder, a FIFO, a
// device), larger than the limit or unreadable. Never reads an endless or blocking source.
std::string readTextFile(const std::string& path, uint64_t maxBytes = uint64_t(256) << 20);

// readTextFile + parseJson with the file as the source.
nlohmann::json readJsonFile(const std::string& path, const JsonLimits& limits = {});

}  // namespace tunebench
