// Operators, attribute/item lookup, slicing, iteration and the str/dict methods templates call.
#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "chat/JinjaBuiltins.h"
#include "common/Error.h"
#include "common/PythonStrings.h"
#include "common/Utf8.h"

namespace tunebench::jinja {

namespace {

[[noreturn]] void undefinedError(const Value& v) {
  throw Error(v.asString().empty() ? std::string("undefined value used")
                                   : "'" + v.asString() + "' is undefined");
}

[[noreturn]] void operandError(const std::string& op, const Value& a, const Value& b) {
  if (a.isUndefined()) undefinedError(a);
  if (b.isUndefined()) undefinedError(b);
  throw Error("unsupported operand type(s) for " + op + ": '" + a.typeName() + "' and '" +
              b.typeName() + "'");
}

Value repeat(const Value& seq, int64_t times) {
  if (times < 0) times = 0;
  if (seq.isString()) {
    if (times > 0) checkTemplateTextSize(seq.asString().size() * static_cast<size_t>(times));
    std::string out;
    for (int64_t i = 0; i < times; ++i) out += seq.asString();
    return Value(out);
  }
  ValueList out;
  for (int64_t i = 0; i < times && out.size() < 1'000'000; ++i)
    out.insert(out.end(), seq.items().begin(), seq.items().end());
  return Value::list(std::move(out), seq.isTuple());
}

// The arguments of a method: positional, then by keyword.
const Value* argument(const ValueList& args, const KeywordArgs& kwargs, size_t index,
                      const char* name) {
  if (index < args.size()) return &args[index];
  for (const auto& [key, value] : kwargs)
    if (key == name) return &value;
  return nullptr;
}

std::string stringArgument(const ValueList& args, const KeywordArgs& kwargs, size_t index,
                           const char* name, const std::string& method) {
  const Value* v = argument(args, kwargs, index, name);
  if (!v || !v->isString())
    throw Error(method + "() argument " + std::to_string(index + 1) + " must be str");
  return v->asString();
}

Value boundMethod(const std::string& name, std::function<Value(ValueList&, KeywordArgs&)> fn) {
  return Value::function(name, std::move(fn));
}

Value stringMethod(const std::string& s, const std::string& name) {
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    return boundMethod(name, [s, name](ValueList& args, KeywordArgs& kwargs) {
      const Value* chars = argument(args, kwargs, 0, "chars");
      const bool useChars = chars && !chars->isNone();
      if (useChars && !chars->isString()) throw Error(name + " arg must be None or str");
      return Value(pythonStrip(s, useChars ? &chars->asString() : nullptr, name != "rstrip",
                               name != "lstrip"));
    });
  }
  if (name == "startswith" || name == "endswith") {
    return boundMethod(name, [s, name](ValueList& args, KeywordArgs& kwargs) {
      const Value* what = argument(args, kwargs, 0, "prefix");
      if (!what) throw Error(name + "() takes at least 1 argument (0 given)");
      std::vector<std::string> options;
      if (what->isString()) {
        options.push_back(what->asString());
      } else if (what->isTuple()) {
        for (const Value& v : what->items()) {
          if (!v.isString()) throw Error(name + "(): tuple for " + name + " must only contain str");
          options.push_back(v.asString());
        }
      } else {
        throw Error(name + " first arg must be str or a tuple of str, not " + what->typeName());
      }
      for (const auto& o : options) {
        if (o.size() > s.size()) continue;
        if (name == "startswith" ? s.compare(0, o.size(), o) == 0
                                 : s.compare(s.size() - o.size(), o.size(), o) == 0)
          return Value(true);
      }
      return Value(false);
    });
  }
  if (name == "split" || name == "rsplit") {
    return boundMethod(name, [s, name](ValueList& args, KeywordArgs& kwargs) {
      const Value* sep = argument(args, kwargs, 0, "sep");
      const Value* max = argument(args, kwargs, 1, "maxsplit");
      if (sep && !sep->isNone() && !sep->isString())
        throw Error("must be str or None, not " + sep->typeName());
      if (sep && sep->isString() && sep->asString().empty()) throw Error("empty separator");
      const int64_t maxSplit = max && max->isNumber() ? max->asInt() : -1;
      ValueList out;
      for (auto& part : pythonSplit(s, sep && sep->isString() ? &sep->asString() : nullptr,
                                    maxSplit, name == "rsplit"))
        out.emplace_back(part);
      return Value::list(std::move(out));
    });
  }
  if (name == "upper" || name == "lower" || name == "title" || name == "capitalize" ||
      name == "swapcase") {
    return boundMethod(name, [s, name](ValueList&, KeywordArgs&) {
      if (name == "upper") return Value(toUpper(s));
      if (name == "lower") return Value(pythonLower(s));
      if (name == "title") return Value(pythonTitle(s));
      if (name == "capitalize") return Value(pythonCapitalize(s));
      return Value(swapCase(s));
    });
  }
  if (name == "replace") {
    return boundMethod(name, [s](ValueList& args, KeywordArgs& kwargs) {
      const std::string from = stringArgument(args, kwargs, 0, "old", "replace");
      const std::string to = stringArgument(args, kwargs, 1, "new", "replace");
      const Value* count = argument(args, kwargs, 2, "count");
      return Value(pythonReplace(s, from, to, count && count->isNumber() ? count->asInt() : -1));
    });
  }
  if (name == "find" || name == "count" || name == "index" || name == "rfind") {
    return boundMethod(name, [s, name](ValueList& args, KeywordArgs& kwargs) {
      const std::string needle = stringArgument(args, kwargs, 0, "sub", name);
      if (name == "count") return Value(static_cast<int64_t>(countOccurrences(s, needle)));
      const size_t at = name == "rfind" ? s.rfind(needle) : s.find(needle);
      if (at == std::string::npos) {
        if (name == "index") throw Error("substring not found");
        return Value(static_cast<int64_t>(-1));
      }
      return Value(static_cast<int64_t>(utf8ToCodePoints(s.substr(0, at)).size()));
    });
  }
  if (name == "join") {
    return boundMethod(name, [s](ValueList& args, KeywordArgs& kwargs) {
      const Value* items = argument(args, kwargs, 0, "iterable");
      if (!items) throw Error("join() takes exactly one argument (0 given)");
      std::string out;
      size_t i = 0;
      for (const Value& item : iterate(*items)) {
        if (!item.isString())
          throw Error("sequence item " + std::to_string(i) + ": expected str instance, " +
                      item.typeName() + " found");
        out += (i++ ? s : "") + item.asString();
      }
      return Value(out);
    });
  }
  if (name == "splitlines") {
    return boundMethod(name, [s](ValueList&, KeywordArgs&) {
      ValueList out;
      for (auto& line : splitLines(s)) out.emplace_back(line);
      return Value::list(std::move(out));
    });
  }
  if (name == "isdigit" || name == "isspace" || name == "isalpha" || name == "isupper" ||
      name == "islower") {
    return boundMethod(
        name, [s, name](ValueList&, KeywordArgs&) { return Value(characterTest(s, name)); });
  }
  return Value::undefined("str object has no attribute " + name);
}

Value dictMethod(const Value& dict, const std::string& name) {
  if (name == "items" || name == "keys" || name == "values") {
    return boundMethod(name, [dict, name](ValueList&, KeywordArgs&) {
      ValueList out;
      for (const auto& [key, value] : dict.asDict().entries) {
        if (name == "items")
          out.push_back(Value::list({Value(key), value}, true));
        else if (name == "keys")
          out.emplace_back(key);
        else
          out.push_back(value);
      }
      return Value::list(std::move(out));
    });
  }
  if (name == "get") {
    return boundMethod(name, [dict](ValueList& args, KeywordArgs& kwargs) {
      const Value* key = argument(args, kwargs, 0, "key");
      const Value* fallback = argument(args, kwargs, 1, "default");
      if (!key) throw Error("get expected at least 1 argument, got 0");
      if (key->isString())
        if (const Value* found = dict.asDict().find(key->asString())) return *found;
      return fallback ? *fallback : Value::none();
    });
  }
  return Value();
}

}  // namespace

Value binaryOperation(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") {
    std::string left = a.str(), right = b.str();
    checkTemplateTextSize(left.size() + right.size());
    return Value(std::move(left) + right);
  }
  const bool numbers = a.isNumber() && b.isNumber();
  const bool floats = numbers && (a.isFloat() || b.isFloat());
  if (op == "+") {
    if (numbers)
      return floats ? Value(a.asDouble() + b.asDouble()) : Value(checkedAdd(a.asInt(), b.asInt()));
    if (a.isString() && b.isString()) {
      checkTemplateTextSize(a.asString().size() + b.asString().size());
      return Value(a.asString() + b.asString());
    }
    if (a.isList() && b.isList() && a.isTuple() == b.isTuple()) {
      ValueList out = a.items();
      out.insert(out.end(), b.items().begin(), b.items().end());
      return Value::list(std::move(out), a.isTuple());
    }
    operandError(op, a, b);
  }
  if (op == "*") {
    if (numbers)
      return floats ? Value(a.asDouble() * b.asDouble())
                    : Value(checkedMultiply(a.asInt(), b.asInt()));
    if ((a.isString() || a.isList()) && b.isNumber() && !b.isFloat()) return repeat(a, b.asInt());
    if ((b.isString() || b.isList()) && a.isNumber() && !a.isFloat()) return repeat(b, a.asInt());
    operandError(op, a, b);
  }
  if (!numbers) operandError(op, a, b);
  if (op == "-")
    return floats ? Value(a.asDouble() - b.asDouble())
                  : Value(checkedSubtract(a.asInt(), b.asInt()));
  if (op == "/") {
    if (b.asDouble() == 0.0) throw Error("division by zero");
    return Value(a.asDouble() / b.asDouble());
  }
  if (op == "//" || op == "%") {
    if (b.asDouble() == 0.0)
      throw Error(op == "//" ? "integer division or modulo by zero" : "modulo by zero");
    if (!floats) {
      return op == "//" ? Value(floorDivide(a.asInt(), b.asInt()))
                        : Value(floorModulo(a.asInt(), b.asInt()));
    }
    const double q = std::floor(a.asDouble() / b.asDouble());
    return op == "//" ? Value(q) : Value(a.asDouble() - q * b.asDouble());
  }
  if (op == "**") {
    if (!floats && b.asInt() >= 0) {
      if (const auto exact = integerPower(a.asInt(), b.asInt())) return Value(*exact);
      return Value(std::pow(static_cast<double>(a.asInt()), static_cast<double>(b.asInt())));
    }
    return Value(std::pow(a.asDouble(), b.asDouble()));
  }
  throw Error("unknown operator " + op);
}

bool containsValue(const Value& container, const Value& item) {
  if (container.isString()) {
    if (!item.isString())
      throw Error("'in <string>' requires string as left operand, not " + item.typeName());
    return container.asString().find(item.asString()) != std::string::npos;
  }
  if (container.isList()) {
    for (const Value& v : container.items())
      if (valuesEqual(v, item)) return true;
    return false;
  }
  if (container.isDict())
    return item.isString() && container.asDict().find(item.asString()) != nullptr;
  if (container.isUndefined()) return false;
  throw Error("argument of type '" + container.typeName() + "' is not iterable");
}

Value getAttribute(const Value& object, const std::string& name) {
  switch (object.type()) {
    case Value::Type::Undefined:
      undefinedError(object);
    case Value::Type::String:
      return stringMethod(object.asString(), name);
    case Value::Type::Dict: {
      // Like Python's getattr first: a dict's methods win over its keys (as in Jinja).
      if (!object.isNamespace()) {
        Value method = dictMethod(object, name);
        if (!method.isUndefined()) return method;
      }
      if (const Value* found = object.asDict().find(name)) return *found;
      return Value::undefined(name);
    }
    default:
      return Value::undefined(name);
  }
}

Value getItem(const Value& object, const Value& key) {
  if (object.isUndefined()) undefinedError(object);
  if (object.isDict()) {
    if (key.isString())
      if (const Value* found = object.asDict().find(key.asString())) return *found;
    return Value::undefined(key.str());
  }
  if ((object.isList() || object.isString()) && key.isNumber() && !key.isFloat()) {
    if (object.isList()) {
      const auto size = static_cast<int64_t>(object.items().size());
      int64_t index = key.asInt() < 0 ? key.asInt() + size : key.asInt();
      if (index < 0 || index >= size) return Value::undefined();
      return object.items()[static_cast<size_t>(index)];
    }
    const auto cps = utf8ToCodePoints(object.asString());
    const auto size = static_cast<int64_t>(cps.size());
    int64_t index = key.asInt() < 0 ? key.asInt() + size : key.asInt();
    if (index < 0 || index >= size) return Value::undefined();
    return Value(codePointsToUtf8(cps.substr(static_cast<size_t>(index), 1)));
  }
  if (key.isString()) return getAttribute(object, key.asString());
  return Value::undefined();
}

Value sliceValue(const Value& object, const Value& startV, const Value& stopV, const Value& stepV) {
  if (!object.isList() && !object.isString())
    throw Error("'" + object.typeName() + "' object is not subscriptable");
  auto bound = [](const Value& v, const char* what) -> std::optional<int64_t> {
    if (v.isUndefined() || v.isNone()) return std::nullopt;
    if (!v.isNumber() || v.isFloat())
      throw Error(std::string("slice ") + what + " must be an integer or None");
    return v.asInt();
  };
  const auto start = bound(startV, "start"), stop = bound(stopV, "stop"),
             stepOpt = bound(stepV, "step");
  const int64_t step = stepOpt.value_or(1);
  if (step == 0) throw Error("slice step cannot be zero");
  const std::u32string cps =
      object.isString() ? utf8ToCodePoints(object.asString()) : std::u32string();
  const auto length = static_cast<int64_t>(object.isString() ? cps.size() : object.items().size());
  auto adjust = [&](std::optional<int64_t> v, int64_t fallback) {
    if (!v) return fallback;
    int64_t x = *v;
    if (x < 0)
      x = std::max<int64_t>(x + length, step < 0 ? -1 : 0);
    else
      x = std::min<int64_t>(x, step < 0 ? length - 1 : length);
    return x;
  };
  const int64_t from = adjust(start, step < 0 ? length - 1 : 0);
  const int64_t to = adjust(stop, step < 0 ? -1 : length);
  std::vector<int64_t> picks;
  for (int64_t i = from; step > 0 ? i < to : i > to;) {
    picks.push_back(i);
    if (__builtin_add_overflow(i, step, &i)) break;  // a huge step leaves the range at once
  }
  if (object.isString()) {
    std::u32string out;
    for (int64_t i : picks) out += cps[static_cast<size_t>(i)];
    return Value(codePointsToUtf8(out));
  }
  ValueList out;
  for (int64_t i : picks) out.push_back(object.items()[static_cast<size_t>(i)]);
  return Value::list(std::move(out), object.isTuple());
}

ValueList iterate(const Value& value) {
  switch (value.type()) {
    case Value::Type::Undefined:
      return {};
    case Value::Type::List:
      return value.items();
    case Value::Type::Dict: {
      ValueList keys;
      for (const auto& entry : value.asDict().entries) keys.emplace_back(entry.first);
      return keys;
    }
    case Value::Type::String: {
      ValueList chars;
      for (char32_t c : utf8ToCodePoints(value.asString()))
        chars.emplace_back(codePointsToUtf8(std::u32string(1, c)));
      return chars;
    }
    default:
      throw Error("'" + value.typeName() + "' object is not iterable");
  }
}

}  // namespace tunebench::jinja
