#pragma once
// Parses one JSON text with simdjson into nlohmann::json (the type records carry). When the text
// is malformed, a second, slower parse finds the byte where it goes wrong, so that errors can
// name the exact column.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>
#include <nlohmann/json.hpp>

namespace tunebench::builtin {

struct JsonTextProblem {
  size_t byte = 0;  // 0-based index into the text where the problem was found
  std::string problem;
};

class JsonTextParser {
 public:
  // Returns the problem, or nullopt after storing the value in `value`.
  std::optional<JsonTextProblem> parse(std::string_view text, nlohmann::json& value);

 private:
  simdjson::dom::parser parser_;
  std::vector<char> scratch_;  // the text plus the padding simdjson reads past its end
};

nlohmann::json toJson(simdjson::dom::element element);

}  // namespace tunebench::builtin
