#include "common/JsonFile.h"

#include <filesystem>
#include <fstream>

#include "common/Error.h"
#include "common/RegularFile.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// "line L, column C", or "column C" for one-line text (a JSON Lines row names its line itself).
std::string position(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  if (text.find('\n') == std::string_view::npos) return "column " + std::to_string(column);
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string sizeText(uint64_t bytes) {
  return bytes >= (uint64_t(1) << 20) ? std::to_string(bytes >> 20) + " MiB"
                                      : std::to_string(bytes) + " bytes";
}

void checkSize(std::string_view text, const std::string& source, uint64_t maxBytes) {
  if (text.size() > maxBytes)
    throw Error(source + ": the JSON text is " + sizeText(text.size()) + ", over the limit of " +
                sizeText(maxBytes));
}

}  // namespace

void checkJsonNesting(std::string_view text, const std::string& source, size_t maxDepth) {
  size_t depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      if (++depth > maxDepth)
        throw Error(source + ": JSON nested deeper than " + std::to_string(maxDepth) +
                    " levels at " + position(text, i));
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
}

nlohmann::json parseJson(std::string_view text, const std::string& source,
                         const JsonLimits& limits) {
  checkSize(text, source, limits.maxBytes);
  checkJsonNesting(text, source, limits.maxDepth);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(source + ": not valid JSON at " + position(text, e.byte > 0 ? e.byte - 1 : 0) +
                ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not valid JSON: " + e.what());
  }
}

nlohmann::json parseJsonOrDiscarded(std::string_view text, const JsonLimits& limits) {
  try {
    return parseJson(text, std::string(), limits);
  } catch (const Error&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

std::string readTextFile(const std::string& path, uint64_t maxBytes) {
  if (const auto why = whyNotARegularFile(path); !why.empty())
    throw Error(path + ": cannot be opened: " + why);
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) throw Error(path + ": cannot be opened: " + ec.message());
  if (size > maxBytes)
    throw Error(path + ": the file is " + sizeText(size) + ", over the limit of " +
                sizeText(maxBytes) + " for this kind of file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot be opened");
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));  // a file that shrank meanwhile
  if (in.bad()) throw Error(path + ": read error");
  return text;
}

nlohmann::json readJsonFile(const std::string& path, const JsonLimits& limits) {
  return parseJson(readTextFile(path, limits.maxBytes), path, limits);
}

}  // namespace tunebench
