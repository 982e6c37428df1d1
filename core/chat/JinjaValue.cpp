#include "chat/JinjaValue.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/Error.h"

namespace tunebench::jinja {

void checkTemplateTextSize(size_t size) {
  if (size > kMostTemplateText)
    throw Error("the template would make a text of " + std::to_string(size >> 20) +
                " MiB; the most a template may make is 64 MiB");
}

const Value* ValueDict::find(const std::string& key) const {
  for (const auto& entry : entries)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

void ValueDict::set(const std::string& key, Value value) {
  for (auto& entry : entries)
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  entries.emplace_back(key, std::move(value));
}

Value Value::undefined(std::string name) {
  Value v;
  v.s_ = std::move(name);
  return v;
}

Value Value::none() {
  Value v;
  v.type_ = Type::None;
  return v;
}

Value::Value(bool b) : type_(Type::Bool), b_(b), i_(b ? 1 : 0) {}
Value::Value(int64_t i) : type_(Type::Int), i_(i) {}
Value::Value(double d) : type_(Type::Float), d_(d) {}
Value::Value(std::string s) : type_(Type::String), s_(std::move(s)) {}

Value Value::list(ValueList items, bool tuple) {
  Value v;
  v.type_ = Type::List;
  v.tuple_ = tuple;
  v.list_ = std::make_shared<ValueList>(std::move(items));
  return v;
}

Value Value::dict(ValueDict dict, bool isNamespace) {
  Value v;
  v.type_ = Type::Dict;
  v.namespace_ = isNamespace;
  v.dict_ = std::make_shared<ValueDict>(std::move(dict));
  return v;
}

Value Value::function(std::string name, NativeFunction fn) {
  Value v;
  v.type_ = Type::Function;
  v.s_ = std::move(name);
  v.fn_ = std::make_shared<NativeFunction>(std::move(fn));
  return v;
}

Value Value::fromJson(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null:
      return none();
    case nlohmann::ordered_json::value_t::boolean:
      return Value(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return Value(json.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return Value(static_cast<int64_t>(json.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
      return Value(json.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return Value(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      ValueList items;
      for (const auto& item : json) items.push_back(fromJson(item));
      return list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      ValueDict d;
      for (auto it = json.begin(); it != json.end(); ++it)
        d.entries.emplace_back(it.key(), fromJson(it.value()));
      return dict(std::move(d));
    }
    default:
      return none();
  }
}

bool Value::truthy() const {
  switch (type_) {
    case Type::Undefined:
    case Type::None:
      return false;
    case Type::Bool:
      return b_;
    case Type::Int:
      return i_ != 0;
    case Type::Float:
      return d_ != 0.0;
    case Type::String:
      return !s_.empty();
    case Type::List:
      return !list_->empty();
    case Type::Dict:
      return namespace_ || !dict_->entries.empty();
    case Type::Function:
      return true;
  }
  return false;
}

std::string Value::typeName() const {
  switch (type_) {
    case Type::Undefined:
      return "Undefined";
    case Type::None:
      return "NoneType";
    case Type::Bool:
      return "bool";
    case Type::Int:
      return "int";
    case Type::Float:
      return "float";
    case Type::String:
      return "str";
    case Type::List:
      return tuple_ ? "tuple" : "list";
    case Type::Dict:
      return namespace_ ? "Namespace" : "dict";
    case Type::Function:
      return "function";
  }
  return "object";
}

std::string formatPythonFloat(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (d == 0.0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest digits that read back exactly, then Python's layout: scientific notation when the
  // decimal exponent is below -4 or at least 16.
  char buffer[64];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, d);
    if (std::strtod(buffer, nullptr) == d) break;
  }
  std::string text(buffer);
  const size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  const int exponent = std::atoi(text.c_str() + e + 1);
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exponent < -4 || exponent >= 16) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  } else if (exponent < 0) {
    out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  } else if (static_cast<int>(digits.size()) <= exponent + 1) {
    out = digits + std::string(static_cast<size_t>(exponent + 1) - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, static_cast<size_t>(exponent + 1)) + "." +
          digits.substr(static_cast<size_t>(exponent + 1));
  }
  return negative ? "-" + out : out;
}

std::string pythonStringRepr(const std::string& s) {
  const bool hasSingle = s.find('\'') != std::string::npos;
  const bool hasDouble = s.find('"') != std::string::npos;
  const char quote = hasSingle && !hasDouble ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == quote || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + quote;
}

std::string Value::str() const {
  switch (type_) {
    case Type::Undefined:
      return "";
    case Type::String:
      return s_;
    default:
      return repr();
  }
}

std::string Value::repr() const {
  switch (type_) {
    case Type::Undefined:
      return "";
    case Type::None:
      return "None";
    case Type::Bool:
      return b_ ? "True" : "False";
    case Type::Int:
      return std::to_string(i_);
    case Type::Float:
      return formatPythonFloat(d_);
    case Type::String:
      return pythonStringRepr(s_);
    case Type::List: {
      std::string out = tuple_ ? "(" : "[";
      for (size_t i = 0; i < list_->size(); ++i) out += (i ? ", " : "") + (*list_)[i].repr();
      if (tuple_ && list_->size() == 1) out += ",";
      return out + (tuple_ ? ")" : "]");
    }
    case Type::Dict: {
      std::string out = namespace_ ? "<Namespace {" : "{";
      for (size_t i = 0; i < dict_->entries.size(); ++i)
        out += (i ? ", " : "") + pythonStringRepr(dict_->entries[i].first) + ": " +
               dict_->entries[i].second.repr();
      return out + (namespace_ ? "}>" : "}");
    }
    case Type::Function:
      return "<function " + s_ + ">";
  }
  return "";
}

namespace {

void writeJsonString(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\u%04x", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

std::string Value::toJson(int indent, bool sortKeys) const {
  std::string out;
  writeJson(out, indent, 0, sortKeys);
  return out;
}

void Value::writeJson(std::string& out, int indent, int depth, bool sortKeys) const {
  const std::string itemSeparator = indent < 0 ? ", " : ",";
  auto newline = [&](int level) {
    if (indent >= 0) out += "\n" + std::string(static_cast<size_t>(indent * level), ' ');
  };
  switch (type_) {
    case Type::Undefined:
      throw Error("Object of type Undefined is not JSON serializable");
    case Type::Function:
      throw Error("Object of type function is not JSON serializable");
    case Type::None:
      out += "null";
      return;
    case Type::Bool:
      out += b_ ? "true" : "false";
      return;
    case Type::Int:
      out += std::to_string(i_);
      return;
    case Type::Float:
      out += std::isnan(d_)   ? "NaN"
             : std::isinf(d_) ? (d_ > 0 ? "Infinity" : "-Infinity")
                              : formatPythonFloat(d_);
      return;
    case Type::String:
      writeJsonString(out, s_);
      return;
    case Type::List:
      if (list_->empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < list_->size(); ++i) {
        if (i) out += itemSeparator;
        newline(depth + 1);
        (*list_)[i].writeJson(out, indent, depth + 1, sortKeys);
      }
      newline(depth);
      out += ']';
      return;
    case Type::Dict: {
      if (dict_->entries.empty()) {
        out += "{}";
        return;
      }
      std::vector<const std::pair<std::string, Value>*> entries;
      for (const auto& entry : dict_->entries) entries.push_back(&entry);
      if (sortKeys)
        std::stable_sort(entries.begin(), entries.end(),
                         [](auto* a, auto* b) { return a->first < b->first; });
      out += '{';
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out += itemSeparator;
        newline(depth + 1);
        writeJsonString(out, entries[i]->first);
        out += ": ";
        entries[i]->second.writeJson(out, indent, depth + 1, sortKeys);
      }
      newline(depth);
      out += '}';
      return;
    }
  }
}

bool valuesEqual(const Value& a, const Value& b) {
  if (a.isNumber() && b.isNumber()) {
    if (a.isFloat() || b.isFloat()) return a.asDouble() == b.asDouble();
    return a.asInt() == b.asInt();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::Undefined:
    case Value::Type::None:
      return true;
    case Value::Type::String:
      return a.asString() == b.asString();
    case Value::Type::List: {
      if (a.items().size() != b.items().size()) return false;
      for (size_t i = 0; i < a.items().size(); ++i)
        if (!valuesEqual(a.items()[i], b.items()[i])) return false;
      return true;
    }
    case Value::Type::Dict: {
      const auto& x = a.asDict().entries;
      if (x.size() != b.asDict().entries.size()) return false;
      for (const auto& [key, value] : x) {
        const Value* other = b.asDict().find(key);
        if (!other || !valuesEqual(value, *other)) return false;
      }
      return true;
    }
    case Value::Type::Function:
      return &a.asFunction() == &b.asFunction();
    default:
      return false;
  }
}

int compareValues(const Value& a, const Value& b) {
  if (a.isNumber() && b.isNumber()) {
    if (a.isFloat() || b.isFloat())
      return a.asDouble() < b.asDouble() ? -1 : a.asDouble() > b.asDouble() ? 1 : 0;
    return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
  }
  if (a.isString() && b.isString())
    return a.asString() < b.asString() ? -1 : a.asString() > b.asString() ? 1 : 0;
  if (a.isList() && b.isList()) {
    const size_t n = std::min(a.items().size(), b.items().size());
    for (size_t i = 0; i < n; ++i) {
      const int c = compareValues(a.items()[i], b.items()[i]);
      if (c != 0) return c;
    }
    return a.items().size() < b.items().size() ? -1 : a.items().size() > b.items().size() ? 1 : 0;
  }
  throw Error("'<' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() +
              "'");
}

}  // namespace tunebench::jinja
