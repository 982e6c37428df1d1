#include "builtin/JsonText.h"

#include <cstring>

namespace tunebench::builtin {

nlohmann::json toJson(simdjson::dom::element element) {
  using simdjson::dom::element_type;
  switch (element.type()) {
    case element_type::OBJECT: {
      nlohmann::json object = nlohmann::json::object();
      auto& members = object.get_ref<nlohmann::json::object_t&>();
      for (const auto field : simdjson::dom::object(element))
        members[std::string(field.key)] = toJson(field.value);
      return object;
    }
    case element_type::ARRAY: {
      nlohmann::json array = nlohmann::json::array();
      auto& items = array.get_ref<nlohmann::json::array_t&>();
      for (const auto item : simdjson::dom::array(element)) items.push_back(toJson(item));
      return array;
    }
    case element_type::STRING:
      return std::string(std::string_view(element));
    case element_type::INT64:
      return int64_t(element);
    case element_type::UINT64:
      return uint64_t(element);
    case element_type::DOUBLE:
      return double(element);
    case element_type::BOOL:
      return bool(element);
    case element_type::NULL_VALUE:
      return nullptr;
  }
  return nullptr;
}

namespace {

// nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column 7:
// syntax error ..."; keep what follows the position.
std::string problemText(const std::string& what) {
  const size_t column = what.find("column ");
  const size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

std::optional<JsonTextProblem> JsonTextParser::parse(std::string_view text, nlohmann::json& value) {
  if (scratch_.size() < text.size() + simdjson::SIMDJSON_PADDING)
    scratch_.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(scratch_.data(), text.data(), text.size());
  simdjson::dom::element element;
  const auto error = parser_.parse(scratch_.data(), text.size(), false).get(element);
  if (!error) {
    value = toJson(element);
    return std::nullopt;
  }
  // Too deep for simdjson is too deep for any reader: the fallback below would recurse as deep.
  if (error == simdjson::DEPTH_ERROR)
    return JsonTextProblem{
        0, "bad JSON: nested deeper than " + std::to_string(parser_.max_depth()) + " levels"};
  try {
    const auto accepted = nlohmann::json::parse(text);
    (void)accepted;
  } catch (const nlohmann::json::parse_error& e) {
    const size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    return JsonTextProblem{byte, "bad JSON: " + problemText(e.what())};
  }
  return JsonTextProblem{0, std::string("bad JSON: ") + simdjson::error_message(error)};
}

}  // namespace tunebench::builtin
