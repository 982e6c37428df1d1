#pragma once
// Operators, filters, tests, attribute lookup (incl. string and dict methods) and global
// functions of the template language. Errors are thrown as tunebench::Error without a position;
// the interpreter adds the template line and column.
#include <string>

#include "chat/JinjaValue.h"

namespace tunebench::jinja {

Value binaryOperation(const std::string& op, const Value& a, const Value& b);
bool containsValue(const Value& container, const Value& item);  // Python's `in`
Value getAttribute(const Value& object, const std::string& name);
Value getItem(const Value& object, const Value& key);
Value sliceValue(const Value& object, const Value& start, const Value& stop, const Value& step);
// The elements a for loop visits: list items, dict keys, string characters.
ValueList iterate(const Value& value);

Value applyFilter(const std::string& name, const Value& input, ValueList args, KeywordArgs kwargs);
bool applyTest(const std::string& name, const Value& value, const ValueList& args);

// range, dict, namespace, raise_exception, strftime_now.
ValueDict builtinGlobals();

// Thrown by raise_exception() so that the message reaches the user unchanged.
extern const char* const kRaisedPrefix;

}  // namespace tunebench::jinja
