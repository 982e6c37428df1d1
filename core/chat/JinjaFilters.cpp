// Filters, tests and global functions.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "chat/JinjaBuiltins.h"
#include "chat/JinjaMoreFilters.h"
#include "common/Error.h"
#include "common/PythonStrings.h"
#include "common/Utf8.h"

namespace tunebench::jinja {

const char* const kRaisedPrefix = "raise_exception: ";

namespace {

Value length(const Value& v) {
  switch (v.type()) {
    case Value::Type::Undefined:
      return Value(static_cast<int64_t>(0));
    case Value::Type::String:
      return Value(static_cast<int64_t>(utf8ToCodePoints(v.asString()).size()));
    case Value::Type::List:
      return Value(static_cast<int64_t>(v.items().size()));
    case Value::Type::Dict:
      return Value(static_cast<int64_t>(v.asDict().entries.size()));
    default:
      throw Error("object of type '" + v.typeName() + "' has no len()");
  }
}

std::optional<int64_t> parseInteger(std::string text, int base) {
  text = pythonStrip(text, nullptr, true, true);
  text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, base);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<double> parseFloat(const std::string& raw) {
  const std::string text = pythonStrip(raw, nullptr, true, true);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return v;
}

// Jinja's int filter: NaN gives the fallback, like any value int() refuses; an infinite or
// too large float is an error (Python raises OverflowError there).
Value floatToInt(double d, const Value& fallback) {
  if (std::isnan(d)) return fallback;
  if (const auto i = truncatedInteger(d)) return Value(*i);
  throw Error("cannot convert float " + Value(d).str() + " to a 64-bit integer");
}

Value toInt(const Value& v, const Value& fallback, int base) {
  if (v.isNumber()) return v.isFloat() ? floatToInt(v.asDouble(), fallback) : Value(v.asInt());
  if (v.isString()) {
    if (auto i = parseInteger(v.asString(), base)) return Value(*i);
    if (auto d = parseFloat(v.asString())) return floatToInt(*d, fallback);
  }
  return fallback;
}

std::string htmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// select/reject/selectattr/rejectattr.
Value selectItems(const Value& input, const ValueList& args, bool byAttribute, bool keep) {
  size_t next = 0;
  std::string attribute;
  if (byAttribute) {
    if (args.empty() || !args[0].isString())
      throw Error("selectattr/rejectattr need an attribute name");
    attribute = args[next++].asString();
  }
  std::string test;
  if (next < args.size()) {
    if (!args[next].isString()) throw Error("the test name must be a string");
    test = args[next++].asString();
  }
  const ValueList testArgs(args.begin() + static_cast<long>(next), args.end());
  ValueList out;
  for (const Value& item : iterate(input)) {
    const Value subject = byAttribute ? attributePath(item, attribute) : item;
    const bool passed = test.empty() ? subject.truthy() : applyTest(test, subject, testArgs);
    if (passed == keep) out.push_back(item);
  }
  return Value::list(std::move(out));
}

}  // namespace

namespace {

// Jinja2's indent(width=4, first=False, blank=False): every line but the first (and blank lines
// only with `blank`) gets the indentation; a string width is the indentation itself.
Value indentFilter(const Value& input, const ValueList& args, const KeywordArgs& kwargs) {
  const Value width = filterArgument(args, kwargs, 0, "width", Value(int64_t(4)));
  const bool first = filterArgument(args, kwargs, 1, "first", Value(false)).truthy();
  const bool blank = filterArgument(args, kwargs, 2, "blank", Value(false)).truthy();
  std::string indentation;
  if (width.isString()) {
    indentation = width.asString();
  } else {
    if (!width.isNumber() || width.isFloat() || width.asInt() < 0 || width.asInt() > 4096)
      throw Error("indent: width must be a whole number from 0 to 4096 or a string");
    indentation.assign(static_cast<size_t>(width.asInt()), ' ');
  }
  // Jinja2 appends a newline to the input itself: anything but a string fails there.
  if (!input.isString())
    throw Error("unsupported operand type(s) for +=: '" + input.typeName() + "' and 'str'");
  // Splitting it then keeps a trailing newline, no more.
  const auto lines = splitLines(input.asString() + "\n");
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\n";
    const bool indented = i > 0 && (blank || !lines[i].empty());
    out += (indented ? indentation : std::string()) + lines[i];
    checkTemplateTextSize(out.size());
  }
  return Value(first ? indentation + out : out);
}

}  // namespace

Value applyFilter(const std::string& name, const Value& input, ValueList args, KeywordArgs kwargs) {
  if (name == "trim") {
    const Value chars = filterArgument(args, kwargs, 0, "chars");
    const std::string charSet = chars.isString() ? chars.asString() : std::string();
    return Value(pythonStrip(input.str(), chars.isString() ? &charSet : nullptr, true, true));
  }
  if (name == "length" || name == "count") return length(input);
  if (name == "tojson") {
    const Value indent = filterArgument(args, kwargs, 0, "indent");
    const Value sortKeys = filterArgument(args, kwargs, 3, "sort_keys", Value(false));
    if (!indent.isUndefined() && !indent.isNone() && (!indent.isNumber() || indent.isFloat()))
      throw Error("tojson: indent must be an integer");
    return Value(
        input.toJson(indent.isNumber() ? static_cast<int>(indent.asInt()) : -1, sortKeys.truthy()));
  }
  if (name == "indent") return indentFilter(input, args, kwargs);
  if (name == "upper") return Value(toUpper(input.str()));
  if (name == "lower") return Value(pythonLower(input.str()));
  if (name == "capitalize") return Value(pythonCapitalize(input.str()));
  if (name == "title") return Value(jinjaTitle(input.str()));
  if (name == "default" || name == "d") {
    const Value fallback = filterArgument(args, kwargs, 0, "default_value", Value(""));
    const bool boolean = filterArgument(args, kwargs, 1, "boolean", Value(false)).truthy();
    return input.isUndefined() || (boolean && !input.truthy()) ? fallback : input;
  }
  if (name == "first" || name == "last") {
    const ValueList items = iterate(input);
    if (items.empty()) return Value::undefined();
    return name == "first" ? items.front() : items.back();
  }
  if (name == "join") {
    const std::string separator = filterArgument(args, kwargs, 0, "d", Value("")).str();
    const Value attribute = filterArgument(args, kwargs, 1, "attribute");
    std::string out;
    size_t i = 0;
    for (const Value& item : iterate(input)) {
      out += (i++ ? separator : "") +
             (attribute.isString() ? attributePath(item, attribute.asString()) : item).str();
      checkTemplateTextSize(out.size());
    }
    return Value(out);
  }
  if (name == "replace") {
    const Value from = filterArgument(args, kwargs, 0, "old"),
                to = filterArgument(args, kwargs, 1, "new");
    const Value count = filterArgument(args, kwargs, 2, "count");
    const std::string text = input.str(), old = from.str(), replacement = to.str();
    // Every occurrence (or every gap, for an empty `old`) may grow by the replacement.
    if (replacement.size() > old.size()) {
      size_t hits = old.empty() ? text.size() + 1 : 0;
      for (size_t at = old.empty() ? std::string::npos : text.find(old); at != std::string::npos;
           at = text.find(old, at + old.size()))
        ++hits;
      checkTemplateTextSize(text.size() + hits * (replacement.size() - old.size()));
    }
    return Value(pythonReplace(text, old, replacement, count.isNumber() ? count.asInt() : -1));
  }
  if (name == "items") {
    if (input.isUndefined()) return Value::list({});
    if (!input.isDict()) throw Error("Can only get item pairs from a mapping.");
    ValueList out;
    for (const auto& [key, value] : input.asDict().entries)
      out.push_back(Value::list({Value(key), value}, true));
    return Value::list(std::move(out));
  }
  if (name == "string") return Value(input.str());
  if (name == "int") {
    const Value base = filterArgument(args, kwargs, 1, "base", Value(static_cast<int64_t>(10)));
    return toInt(input, filterArgument(args, kwargs, 0, "default", Value(static_cast<int64_t>(0))),
                 static_cast<int>(base.asInt()));
  }
  if (name == "float") {
    const Value fallback = filterArgument(args, kwargs, 0, "default", Value(0.0));
    if (input.isNumber()) return Value(input.asDouble());
    if (input.isString())
      if (auto d = parseFloat(input.asString())) return Value(*d);
    return fallback;
  }
  if (name == "list") return Value::list(iterate(input));
  if (name == "reverse") {
    if (input.isString()) {
      auto cps = utf8ToCodePoints(input.asString());
      std::reverse(cps.begin(), cps.end());
      return Value(codePointsToUtf8(cps));
    }
    ValueList items = iterate(input);
    std::reverse(items.begin(), items.end());
    return Value::list(std::move(items));
  }
  if (name == "abs") {
    if (!input.isNumber()) throw Error("bad operand type for abs(): '" + input.typeName() + "'");
    return input.isFloat()
               ? Value(std::fabs(input.asDouble()))
               : Value(input.asInt() < 0 ? checkedNegate(input.asInt()) : input.asInt());
  }
  if (name == "round") {
    const int64_t precision =
        filterArgument(args, kwargs, 0, "precision", Value(static_cast<int64_t>(0))).asInt();
    const std::string method = filterArgument(args, kwargs, 1, "method", Value("common")).str();
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double x = input.asDouble() * scale;
    const double r = method == "ceil"    ? std::ceil(x)
                     : method == "floor" ? std::floor(x)
                                         : std::nearbyint(x);
    return Value(r / scale);
  }
  if (name == "map") {
    const Value attribute = filterArgument(args, kwargs, 99, "attribute");
    ValueList out;
    for (const Value& item : iterate(input)) {
      if (attribute.isString()) {
        Value v = attributePath(item, attribute.asString());
        if (v.isUndefined()) v = filterArgument({}, kwargs, 99, "default", v);
        out.push_back(v);
      } else {
        if (args.empty() || !args[0].isString())
          throw Error("map: expected a filter name or attribute=");
        out.push_back(
            applyFilter(args[0].asString(), item, ValueList(args.begin() + 1, args.end()), {}));
      }
    }
    return Value::list(std::move(out));
  }
  if (name == "select") return selectItems(input, args, false, true);
  if (name == "reject") return selectItems(input, args, false, false);
  if (name == "selectattr") return selectItems(input, args, true, true);
  if (name == "rejectattr") return selectItems(input, args, true, false);
  if (name == "safe") return input;
  if (name == "e" || name == "escape") return Value(htmlEscape(input.str()));
  if (name == "sum") {
    Value total = filterArgument(args, kwargs, 1, "start", Value(static_cast<int64_t>(0)));
    const Value attribute = filterArgument(args, kwargs, 0, "attribute");
    for (const Value& item : iterate(input))
      total = binaryOperation(
          "+", total, attribute.isString() ? attributePath(item, attribute.asString()) : item);
    return total;
  }
  if (auto more = applyMoreFilter(name, input, args, kwargs)) return *more;
  throw Error("no filter named '" + name + "'");
}

bool applyTest(const std::string& name, const Value& v, const ValueList& args) {
  auto argument = [&](size_t i) -> const Value& {
    if (i >= args.size()) throw Error("test '" + name + "' needs an argument");
    return args[i];
  };
  if (name == "defined") return !v.isUndefined();
  if (name == "undefined") return v.isUndefined();
  if (name == "none") return v.isNone();
  if (name == "boolean") return v.isBool();
  if (name == "true") return v.isBool() && v.asBool();
  if (name == "false") return v.isBool() && !v.asBool();
  if (name == "integer") return v.isInt();
  if (name == "float") return v.isFloat();
  if (name == "number") return v.isNumber();
  if (name == "string") return v.isString();
  if (name == "mapping") return v.isDict();
  if (name == "iterable") return v.isList() || v.isDict() || v.isString() || v.isUndefined();
  if (name == "sequence") return v.isList() || v.isDict() || v.isString();
  if (name == "callable") return v.isFunction();
  if (name == "even" || name == "odd") {
    if (!v.isNumber()) throw Error("test '" + name + "' needs a number");
    return (floorModulo(v.asInt(), 2) == 0) == (name == "even");
  }
  if (name == "divisibleby") {
    const int64_t d = argument(0).asInt();
    if (d == 0) throw Error("integer division or modulo by zero");
    return floorModulo(v.asInt(), d) == 0;
  }
  if (name == "eq" || name == "equalto" || name == "==") return valuesEqual(v, argument(0));
  if (name == "ne" || name == "!=") return !valuesEqual(v, argument(0));
  if (name == "lt" || name == "lessthan" || name == "<") return compareValues(v, argument(0)) < 0;
  if (name == "le" || name == "<=") return compareValues(v, argument(0)) <= 0;
  if (name == "gt" || name == "greaterthan" || name == ">")
    return compareValues(v, argument(0)) > 0;
  if (name == "ge" || name == ">=") return compareValues(v, argument(0)) >= 0;
  if (name == "in") return containsValue(argument(0), v);
  if (name == "sameas") {
    const Value& other = argument(0);
    if (v.isNone() || v.isBool() || v.isUndefined())
      return v.type() == other.type() && valuesEqual(v, other);
    return valuesEqual(v, other) && v.type() == other.type();
  }
  if (name == "escaped") return false;  // no value here carries HTML markup (__html__)
  if (name == "lower") return v.isString() && pythonLower(v.asString()) == v.asString();
  if (name == "upper") return v.isString() && toUpper(v.asString()) == v.asString();
  throw Error("no test named '" + name + "'");
}

ValueDict builtinGlobals() {
  ValueDict globals;
  globals.set("range", Value::function("range", [](ValueList& args, KeywordArgs&) {
                for (const Value& a : args)
                  if (!a.isNumber() || a.isFloat())
                    throw Error("range() arguments must be integers, not " + a.typeName());
                if (args.empty() || args.size() > 3) throw Error("range expected 1 to 3 arguments");
                const int64_t start = args.size() == 1 ? 0 : args[0].asInt();
                const int64_t stop = args.size() == 1 ? args[0].asInt() : args[1].asInt();
                const int64_t step = args.size() == 3 ? args[2].asInt() : 1;
                if (step == 0) throw Error("range() arg 3 must not be zero");
                ValueList out;
                for (int64_t i = start; step > 0 ? i < stop : i > stop;) {
                  // The same ceiling as Jinja's sandbox.
                  if (out.size() >= 100000) throw Error("range too big, maximum is 100000");
                  out.emplace_back(i);
                  if (__builtin_add_overflow(i, step, &i)) break;  // past either end of int64
                }
                return Value::list(std::move(out));
              }));
  auto makeDict = [](bool isNamespace) {
    return [isNamespace](ValueList& args, KeywordArgs& kwargs) {
      ValueDict d;
      if (!args.empty()) {
        if (args.size() > 1 || !args[0].isDict())
          throw Error("expected at most one mapping argument");
        d = args[0].asDict();
      }
      for (auto& [key, value] : kwargs) d.set(key, value);
      return Value::dict(std::move(d), isNamespace);
    };
  };
  globals.set("dict", Value::function("dict", makeDict(false)));
  globals.set("namespace", Value::function("namespace", makeDict(true)));
  globals.set("raise_exception",
              Value::function("raise_exception", [](ValueList& args, KeywordArgs&) -> Value {
                throw Error(kRaisedPrefix + (args.empty() ? std::string() : args[0].str()));
              }));
  globals.set("strftime_now", Value::function("strftime_now", [](ValueList& args, KeywordArgs&) {
                if (args.empty() || !args[0].isString())
                  throw Error("strftime_now expects a format string");
                const std::time_t now = std::time(nullptr);
                std::tm local{};
                localtime_r(&now, &local);
                char buffer[256];
                const size_t n =
                    std::strftime(buffer, sizeof buffer, args[0].asString().c_str(), &local);
                return Value(std::string(buffer, n));
              }));
  return globals;
}

}  // namespace tunebench::jinja
