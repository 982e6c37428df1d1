#pragma once
// Jinja2's ordering filters (sort, unique, min, max, dictsort: strings compared case-insensitively
// unless asked otherwise) and those beyond the ones chat templates use most (JinjaFilters.cpp):
// format, attr, center, wordcount, truncate, striptags, batch, slice, filesizeformat, urlencode.
#include <optional>
#include <string>

#include "chat/JinjaValue.h"

namespace tunebench::jinja {

// Positional argument `index` or keyword `name`, else the fallback.
Value filterArgument(const ValueList& args, const KeywordArgs& kwargs, size_t index,
                     const char* name, Value fallback = Value());

// What sort, unique, min, max and dictsort compare: the item (or its `attribute` path), strings
// lower-cased unless `caseSensitive`.
Value sortKey(const Value& item, const Value& attribute, bool caseSensitive);
// "a.b.0": attributes and list indexes, as Jinja2's attribute= arguments read them.
Value attributePath(const Value& item, const std::string& path);

// The filter's result, or nothing when `name` is none of these filters.
std::optional<Value> applyMoreFilter(const std::string& name, const Value& input,
                                     const ValueList& args, const KeywordArgs& kwargs);

}  // namespace tunebench::jinja
