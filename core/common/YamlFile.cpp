#include "common/YamlFile.h"

#include <yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "common/Error.h"

namespace tunebench {

namespace {

struct ParserDeleter {
  void operator()(yaml_parser_t* parser) const {
    yaml_parser_delete(parser);
    delete parser;
  }
};

struct EventGuard {
  yaml_event_t event{};
  ~EventGuard() { yaml_event_delete(&event); }
};

std::string at(const std::string& source, const yaml_mark_t& mark) {
  return source + ": line " + std::to_string(mark.line + 1) + ", column " +
         std::to_string(mark.column + 1);
}

bool allOf(std::string_view text, bool (*accepted)(char)) {
  if (text.empty()) return false;
  for (char c : text)
    if (!accepted(c)) return false;
  return true;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isOctal(char c) {
  return c >= '0' && c <= '7';
}
bool isHex(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view withoutSign(std::string_view text) {
  return !text.empty() && (text[0] == '-' || text[0] == '+') ? text.substr(1) : text;
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?  (no regex: a long scalar
// would exhaust the stack of a recursive matcher)
bool isCoreFloat(std::string_view text) {
  text = withoutSign(text);
  const size_t exponent = text.find_first_of("eE");
  const std::string_view mantissa = text.substr(0, exponent);
  if (exponent != std::string_view::npos && !allOf(withoutSign(text.substr(exponent + 1)), isDigit))
    return false;
  const size_t point = mantissa.find('.');
  if (point == std::string_view::npos) return allOf(mantissa, isDigit);
  const auto whole = mantissa.substr(0, point), fraction = mantissa.substr(point + 1);
  if (whole.empty()) return allOf(fraction, isDigit);
  return allOf(whole, isDigit) && (fraction.empty() || allOf(fraction, isDigit));
}

// A plain scalar's value under the core schema.
nlohmann::json resolvePlain(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  const auto integer = [&](const char* digits, int base) -> nlohmann::json {
    errno = 0;
    const long long value = std::strtoll(digits, nullptr, base);
    if (errno == ERANGE) return std::strtod(text.c_str(), nullptr);
    return static_cast<int64_t>(value);
  };
  const std::string_view view(text);
  if (allOf(withoutSign(view), isDigit)) return integer(text.c_str(), 10);
  if (view.substr(0, 2) == "0o" && allOf(view.substr(2), isOctal))
    return integer(text.c_str() + 2, 8);
  if (view.substr(0, 2) == "0x" && allOf(view.substr(2), isHex))
    return integer(text.c_str() + 2, 16);
  if (isCoreFloat(view)) return std::strtod(text.c_str(), nullptr);
  const auto magnitude = withoutSign(view);
  if (magnitude == ".inf" || magnitude == ".Inf" || magnitude == ".INF")
    return view[0] == '-' ? -std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::infinity();
  if (view == ".nan" || view == ".NaN" || view == ".NAN")
    return std::numeric_limits<double>::quiet_NaN();
  return text;
}

nlohmann::json scalarValue(const yaml_event_t& event) {
  const auto& scalar = event.data.scalar;
  std::string text(reinterpret_cast<const char*>(scalar.value), scalar.length);
  const bool tagged = scalar.tag != nullptr;
  if (tagged && std::string(reinterpret_cast<const char*>(scalar.tag)) == YAML_STR_TAG) return text;
  if (scalar.style != YAML_PLAIN_SCALAR_STYLE) return text;
  return resolvePlain(text);
}

// Containers being filled, innermost last; a mapping waits for its key's value.
struct Open {
  nlohmann::json value;
  std::string key;
  bool hasKey = false;
};

}  // namespace

nlohmann::json parseYaml(std::string_view text, const std::string& source,
                         const JsonLimits& limits) {
  if (text.size() > limits.maxBytes)
    throw Error(source + ": " + std::to_string(text.size()) + " bytes, more than the " +
                std::to_string(limits.maxBytes) + " a YAML file may have");
  std::unique_ptr<yaml_parser_t, ParserDeleter> parser(new yaml_parser_t{});
  if (!yaml_parser_initialize(parser.get())) throw Error(source + ": the YAML parser cannot start");
  yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  std::vector<Open> stack;
  nlohmann::json document;
  bool haveDocument = false, documentDone = false;
  // Adds a finished value to the container it belongs to (or makes it the document).
  auto place = [&](nlohmann::json value, const yaml_mark_t& mark) {
    if (stack.empty()) {
      document = std::move(value);
      haveDocument = true;
      return;
    }
    auto& open = stack.back();
    if (open.value.is_array()) {
      open.value.push_back(std::move(value));
    } else if (!open.hasKey) {
      if (!value.is_string() && !value.is_number() && !value.is_boolean() && !value.is_null())
        throw Error(at(source, mark) + ": a key must be a plain value, not a list or mapping");
      open.key = value.is_string() ? value.get<std::string>() : value.dump();
      open.hasKey = true;
    } else {
      if (open.value.contains(open.key))
        throw Error(at(source, mark) + ": the key \"" + open.key + "\" appears twice");
      open.value[open.key] = std::move(value);
      open.hasKey = false;
    }
  };
  for (;;) {
    EventGuard guard;
    if (!yaml_parser_parse(parser.get(), &guard.event)) {
      const auto& problem = parser->problem_mark;
      throw Error(at(source, problem) + ": " +
                  (parser->problem ? parser->problem : "the text is not valid YAML"));
    }
    const auto& event = guard.event;
    const auto& mark = event.start_mark;
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
        if (!haveDocument) return nlohmann::json();
        return document;
      case YAML_DOCUMENT_START_EVENT:
        if (documentDone) throw Error(at(source, mark) + ": a second document; one is read");
        break;
      case YAML_DOCUMENT_END_EVENT:
        documentDone = true;
        break;
      case YAML_ALIAS_EVENT:
        throw Error(at(source, mark) + ": aliases (*name) are not read; write the value out");
      case YAML_SCALAR_EVENT:
        if (event.data.scalar.anchor)
          throw Error(at(source, mark) + ": anchors (&name) are not read; write the value out");
        place(scalarValue(event), mark);
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        if (sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
          throw Error(at(source, mark) + ": anchors (&name) are not read; write the value out");
        if (stack.size() + 1 > limits.maxDepth)
          throw Error(at(source, mark) + ": nested deeper than " + std::to_string(limits.maxDepth) +
                      " levels");
        if (!stack.empty() && stack.back().value.is_object() && !stack.back().hasKey)
          throw Error(at(source, mark) + ": a key must be a plain value, not a list or mapping");
        stack.push_back({sequence ? nlohmann::json::array() : nlohmann::json::object(), {}, false});
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        auto finished = std::move(stack.back().value);
        stack.pop_back();
        place(std::move(finished), mark);
        break;
      }
      default:
        break;
    }
  }
}

nlohmann::json readYamlFile(const std::string& path, const JsonLimits& limits) {
  return parseYaml(readTextFile(path, limits.maxBytes), path, limits);
}

}  // namespace tunebench
