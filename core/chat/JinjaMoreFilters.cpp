#include "chat/JinjaMoreFilters.h"

#include <utf8proc.h>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "chat/JinjaBuiltins.h"
#include "common/Error.h"
#include "common/PythonStrings.h"
#include "common/Utf8.h"

namespace tunebench::jinja {

namespace {

size_t codePointCount(const std::string& text) {
  return utf8ToCodePoints(text).size();
}

std::string spaces(size_t count) {
  return std::string(count, ' ');
}

// One conversion of Python's printf-style formatting ("%-8.3f"), applied to `value`.
std::string formatOne(const std::string& flags, int width, int precision, char conversion,
                      const Value& value) {
  std::string text;
  const bool numeric = std::string("dioxXeEfFgG").find(conversion) != std::string::npos;
  if (numeric && !value.isNumber() && !value.isBool())
    throw Error(std::string("%") + conversion + " format: a real number is required, not " +
                value.typeName());
  if (conversion == 's' || conversion == 'r') {
    text = conversion == 's' ? value.str() : value.repr();
    if (precision >= 0) {
      const auto points = utf8ToCodePoints(text);
      if (points.size() > static_cast<size_t>(precision))
        text = codePointsToUtf8(points.substr(0, static_cast<size_t>(precision)));
    }
  } else {
    std::string spec = "%" + flags;
    if (precision >= 0) spec += "." + std::to_string(precision);
    char buffer[512];
    if (conversion == 'd' || conversion == 'i' || conversion == 'x' || conversion == 'X' ||
        conversion == 'o') {
      // Python truncates a float towards zero for %d.
      const long long integer =
          value.isFloat() ? static_cast<long long>(std::trunc(value.asDouble()))
                          : static_cast<long long>(value.isBool() ? value.asBool() : value.asInt());
      const char c = conversion == 'i' ? 'd' : conversion;
      spec += std::string("ll") + c;
      std::snprintf(buffer, sizeof buffer, spec.c_str(), integer);
    } else {
      spec += conversion;
      std::snprintf(buffer, sizeof buffer, spec.c_str(), value.asDouble());
    }
    text = buffer;
  }
  const size_t length = codePointCount(text);
  if (width > 0 && length < static_cast<size_t>(width)) {
    const size_t pad = static_cast<size_t>(width) - length;
    if (flags.find('-') != std::string::npos) return text + spaces(pad);
    if (numeric && flags.find('0') != std::string::npos) {
      const size_t sign = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
      return text.substr(0, sign) + std::string(pad, '0') + text.substr(sign);
    }
    return spaces(pad) + text;
  }
  return text;
}

// Python's `text % args` (or `text % mapping` with "%(name)s").
std::string percentFormat(const std::string& text, const ValueList& args,
                          const KeywordArgs& kwargs) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (++i >= text.size()) throw Error("format: incomplete format");
    std::optional<Value> named;
    if (text[i] == '(') {
      const size_t close = text.find(')', i);
      if (close == std::string::npos) throw Error("format: incomplete format key");
      const std::string key = text.substr(i + 1, close - i - 1);
      for (const auto& [name, value] : kwargs)
        if (name == key) named = value;
      if (!named) throw Error("format: no argument named '" + key + "'");
      i = close + 1;
    }
    std::string flags;
    while (i < text.size() && std::string("-+ #0").find(text[i]) != std::string::npos)
      flags += text[i++];
    int width = 0, precision = -1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      width = std::min(width * 10 + (text[i++] - '0'), 4096);
    if (i < text.size() && text[i] == '.') {
      precision = 0;
      ++i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
        precision = std::min(precision * 10 + (text[i++] - '0'), 4096);
    }
    if (i >= text.size()) throw Error("format: incomplete format");
    const char conversion = text[i];
    if (conversion == '%') {
      out += '%';
      continue;
    }
    if (std::string("srdioxXeEfFgG").find(conversion) == std::string::npos)
      throw Error(std::string("format: unsupported format character '") + conversion + "'");
    if (!named && next >= args.size())
      throw Error("format: not enough arguments for format string");
    out += formatOne(flags, width, precision, conversion, named ? *named : args[next++]);
  }
  if (kwargs.empty() && next < args.size())
    throw Error("format: not all arguments converted during string formatting");
  return out;
}

// Python's str.center.
std::string center(const std::string& text, int64_t width) {
  const int64_t length = static_cast<int64_t>(codePointCount(text));
  if (width <= length) return text;
  const int64_t margin = width - length;
  const int64_t left = margin / 2 + (margin & width & 1);
  return spaces(static_cast<size_t>(left)) + text + spaces(static_cast<size_t>(margin - left));
}

// re.findall(r"\w+") counted: runs of letters, digits (any script) and underscores.
int64_t wordCount(const std::string& text) {
  int64_t words = 0;
  bool inWord = false;
  for (char32_t c : utf8ToCodePoints(text)) {
    const auto category = utf8proc_category(static_cast<utf8proc_int32_t>(c));
    const bool word = c == U'_' ||
                      (category >= UTF8PROC_CATEGORY_LU && category <= UTF8PROC_CATEGORY_LO) ||
                      (category >= UTF8PROC_CATEGORY_ND && category <= UTF8PROC_CATEGORY_NO);
    if (word && !inWord) ++words;
    inWord = word;
  }
  return words;
}

// Jinja2's truncate with the default environment's leeway of 5.
std::string truncate(const std::string& text, int64_t length, bool killWords,
                     const std::string& end, int64_t leeway) {
  const auto points = utf8ToCodePoints(text);
  const auto endLength = static_cast<int64_t>(utf8ToCodePoints(end).size());
  if (length < endLength) throw Error("truncate: expected length >= " + std::to_string(endLength));
  if (leeway < 0) throw Error("truncate: expected leeway >= 0");
  if (static_cast<int64_t>(points.size()) <= length + leeway) return text;
  const auto kept = codePointsToUtf8(points.substr(0, static_cast<size_t>(length - endLength)));
  if (killWords) return kept + end;
  const size_t space = kept.rfind(' ');
  return (space == std::string::npos ? kept : kept.substr(0, space)) + end;
}

std::string unescapeEntities(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t semicolon = text[i] == '&' ? text.find(';', i) : std::string::npos;
    if (semicolon == std::string::npos || semicolon - i > 10) {
      out += text[i];
      continue;
    }
    const std::string entity = text.substr(i + 1, semicolon - i - 1);
    std::string replaced;
    if (entity == "amp")
      replaced = "&";
    else if (entity == "lt")
      replaced = "<";
    else if (entity == "gt")
      replaced = ">";
    else if (entity == "quot")
      replaced = "\"";
    else if (entity == "apos")
      replaced = "'";
    else if (entity == "nbsp")
      replaced = "\xC2\xA0";
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const long code = std::strtol(entity.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10);
      if (code > 0 && code <= 0x10FFFF)
        replaced = codePointsToUtf8(std::u32string(1, char32_t(code)));
    }
    if (replaced.empty()) {
      out += text[i];
      continue;
    }
    out += replaced;
    i = semicolon;
  }
  return out;
}

// Markup.striptags: comments and tags out, entities resolved, whitespace runs to one space.
std::string stripTags(const std::string& text) {
  std::string kept;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 4, "<!--") == 0) {
      const size_t end = text.find("-->", i + 4);
      if (end != std::string::npos) {
        i = end + 3;
        continue;
      }
    } else if (text[i] == '<') {
      const size_t end = text.find('>', i + 1);
      if (end != std::string::npos) {
        i = end + 1;
        continue;
      }
    }
    kept += text[i++];
  }
  std::string out;
  for (const auto& word : pythonSplitWhitespace(utf8ToCodePoints(unescapeEntities(kept))))
    out += (out.empty() ? "" : " ") + codePointsToUtf8(word);
  return out;
}

std::string fileSize(double bytes, bool binary) {
  const double base = binary ? 1024.0 : 1000.0;
  static const char* const decimal[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* const binaryNames[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  if (bytes == 1) return "1 Byte";
  char buffer[64];
  if (bytes < base) {
    std::snprintf(buffer, sizeof buffer, "%lld Bytes", static_cast<long long>(bytes));
    return buffer;
  }
  double unit = base * base;
  for (int i = 0; i < 8; ++i, unit *= base)
    if (bytes < unit || i == 7) {
      std::snprintf(buffer, sizeof buffer, "%.1f %s", base * bytes / unit,
                    binary ? binaryNames[i] : decimal[i]);
      return buffer;
    }
  return {};
}

// urllib.parse.quote of the UTF-8 bytes; `safe` characters stay, and for query strings a space
// becomes "+".
std::string urlQuote(const std::string& text, bool forQuery) {
  static const char* const hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' ||
        (!forQuery && c == '/')) {
      out += static_cast<char>(c);
    } else if (forQuery && c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Value chunks(const ValueList& items, size_t size, const Value& fill) {
  ValueList rows;
  for (size_t start = 0; start < items.size(); start += size) {
    ValueList row(
        items.begin() + static_cast<std::ptrdiff_t>(start),
        items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), start + size)));
    if (!fill.isUndefined() && !fill.isNone())
      while (row.size() < size) row.push_back(fill);
    rows.push_back(Value::list(std::move(row)));
  }
  return Value::list(std::move(rows));
}

// Jinja2's slice: `count` columns, the first ones one longer when the items do not divide.
Value columns(const ValueList& items, size_t count, const Value& fill) {
  const size_t perSlice = items.size() / count, withExtra = items.size() % count;
  ValueList out;
  size_t offset = 0;
  for (size_t slice = 0; slice < count; ++slice) {
    const size_t start = offset + slice * perSlice;
    if (slice < withExtra) ++offset;
    const size_t end = offset + (slice + 1) * perSlice;
    ValueList part(items.begin() + static_cast<std::ptrdiff_t>(start),
                   items.begin() + static_cast<std::ptrdiff_t>(end));
    if (!fill.isUndefined() && !fill.isNone() && slice >= withExtra) part.push_back(fill);
    out.push_back(Value::list(std::move(part)));
  }
  return Value::list(std::move(out));
}

int64_t positiveCount(const Value& value, const char* filter) {
  if (!value.isInt() || value.asInt() <= 0)
    throw Error(std::string(filter) + ": the count must be a positive integer");
  return value.asInt();
}

}  // namespace

Value filterArgument(const ValueList& args, const KeywordArgs& kwargs, size_t index,
                     const char* name, Value fallback) {
  if (index < args.size()) return args[index];
  for (const auto& [key, value] : kwargs)
    if (key == name) return value;
  return fallback;
}

Value attributePath(const Value& item, const std::string& path) {
  Value current = item;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    current = numeric && current.isList()
                  ? getItem(current, Value(static_cast<int64_t>(std::stoll(part))))
                  : getItem(current, Value(part));
    if (dot == std::string::npos) return current;
    start = dot + 1;
  }
}

Value sortKey(const Value& item, const Value& attribute, bool caseSensitive) {
  const Value key = attribute.isString() ? attributePath(item, attribute.asString()) : item;
  if (!caseSensitive && key.isString()) return Value(pythonLower(key.asString()));
  return key;
}

std::optional<Value> applyMoreFilter(const std::string& name, const Value& input,
                                     const ValueList& args, const KeywordArgs& kwargs) {
  const auto argument = [&](size_t index, const char* key, Value fallback = Value()) {
    return filterArgument(args, kwargs, index, key, std::move(fallback));
  };
  if (name == "dictsort") {
    if (!input.isDict()) throw Error("dictsort: a mapping is required, not " + input.typeName());
    const bool caseSensitive = argument(0, "case_sensitive", Value(false)).truthy();
    const std::string by = argument(1, "by", Value("key")).str();
    if (by != "key" && by != "value")
      throw Error("dictsort: you can only sort by either \"key\" or \"value\"");
    const bool reverse = argument(2, "reverse", Value(false)).truthy();
    ValueList pairs;
    for (const auto& [key, value] : input.asDict().entries)
      pairs.push_back(Value::list({Value(key), value}, true));
    const size_t at = by == "key" ? 0 : 1;
    std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& a, const Value& b) {
      const Value x = sortKey(a.items()[at], Value(), caseSensitive);
      const Value y = sortKey(b.items()[at], Value(), caseSensitive);
      return reverse ? compareValues(y, x) < 0 : compareValues(x, y) < 0;
    });
    return Value::list(std::move(pairs));
  }
  if (name == "unique") {
    const bool caseSensitive = argument(0, "case_sensitive", Value(false)).truthy();
    const Value attribute = argument(1, "attribute");
    ValueList out, seen;
    for (const Value& item : iterate(input)) {
      const Value key = sortKey(item, attribute, caseSensitive);
      if (std::any_of(seen.begin(), seen.end(),
                      [&](const Value& v) { return valuesEqual(v, key); }))
        continue;
      seen.push_back(key);
      out.push_back(item);
    }
    return Value::list(std::move(out));
  }
  if (name == "min" || name == "max") {
    const ValueList items = iterate(input);
    if (items.empty()) return Value::undefined();
    const bool caseSensitive = argument(0, "case_sensitive", Value(false)).truthy();
    const Value attribute = argument(1, "attribute");
    Value best = items.front();
    for (const Value& item : items) {
      const int c = compareValues(sortKey(item, attribute, caseSensitive),
                                  sortKey(best, attribute, caseSensitive));
      if ((name == "min" && c < 0) || (name == "max" && c > 0)) best = item;
    }
    return best;
  }
  if (name == "sort") {
    ValueList items = iterate(input);
    const bool reverse = argument(0, "reverse", Value(false)).truthy();
    const bool caseSensitive = argument(1, "case_sensitive", Value(false)).truthy();
    const Value attribute = argument(2, "attribute");
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      const Value x = sortKey(a, attribute, caseSensitive);
      const Value y = sortKey(b, attribute, caseSensitive);
      return reverse ? compareValues(y, x) < 0 : compareValues(x, y) < 0;
    });
    return Value::list(std::move(items));
  }
  if (name == "format") {
    if (!args.empty() && !kwargs.empty())
      throw Error("format: can't handle positional and keyword arguments at the same time");
    const std::string text = percentFormat(input.str(), args, kwargs);
    checkTemplateTextSize(text.size());
    return Value(text);
  }
  if (name == "attr") {
    // An attribute only: a mapping's keys are items, not attributes.
    if (input.isDict() && !input.isNamespace()) return Value::undefined(argument(0, "name").str());
    return getAttribute(input, argument(0, "name").str());
  }
  if (name == "center") {
    const int64_t width = argument(0, "width", Value(int64_t(80))).asInt();
    checkTemplateTextSize(static_cast<size_t>(std::max<int64_t>(0, width)));
    return Value(center(input.str(), width));
  }
  if (name == "wordcount") return Value(wordCount(input.str()));
  if (name == "truncate")
    return Value(truncate(input.str(), argument(0, "length", Value(int64_t(255))).asInt(),
                          argument(1, "killwords", Value(false)).truthy(),
                          argument(2, "end", Value("...")).str(),
                          argument(3, "leeway", Value(int64_t(5))).asInt()));
  if (name == "striptags") return Value(stripTags(input.str()));
  if (name == "batch")
    return chunks(iterate(input),
                  static_cast<size_t>(positiveCount(argument(0, "linecount"), "batch")),
                  argument(1, "fill_with"));
  if (name == "slice")
    return columns(iterate(input),
                   static_cast<size_t>(positiveCount(argument(0, "slices"), "slice")),
                   argument(1, "fill_with"));
  if (name == "filesizeformat") {
    if (!input.isNumber() && !input.isString())
      throw Error("filesizeformat: a number is required, not " + input.typeName());
    const double bytes =
        input.isString() ? std::strtod(input.asString().c_str(), nullptr) : input.asDouble();
    return Value(fileSize(bytes, argument(0, "binary", Value(false)).truthy()));
  }
  if (name == "urlencode") {
    if (input.isString()) return Value(urlQuote(input.asString(), false));
    std::string out;
    const auto add = [&](const Value& key, const Value& value) {
      out +=
          (out.empty() ? "" : "&") + urlQuote(key.str(), true) + "=" + urlQuote(value.str(), true);
    };
    if (input.isDict()) {
      for (const auto& [key, value] : input.asDict().entries) add(Value(key), value);
    } else {
      for (const Value& pair : iterate(input)) {
        if (!pair.isList() || pair.items().size() != 2)
          throw Error("urlencode: expected pairs of key and value");
        add(pair.items()[0], pair.items()[1]);
      }
    }
    return Value(out);
  }
  return std::nullopt;
}

}  // namespace tunebench::jinja
