#pragma once
// The values a chat template computes with, following Python's semantics as Jinja2 exposes
// them (str() of lists and dicts, truthiness, integer vs float arithmetic).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/JinjaIntegers.h"

namespace tunebench::jinja {

// No text a template makes (a value or the output) may be longer: a template that doubles a
// string in a loop must end in an error naming the place, not exhaust the machine's memory.
constexpr size_t kMostTemplateText = size_t(64) << 20;
// Throws tunebench::Error when `size` bytes would exceed kMostTemplateText.
void checkTemplateTextSize(size_t size);

class Value;
using ValueList = std::vector<Value>;
using KeywordArgs = std::vector<std::pair<std::string, Value>>;
using NativeFunction = std::function<Value(ValueList& args, KeywordArgs& kwargs)>;

// An insertion-ordered mapping with string keys (the JSON-like data chat templates receive).
struct ValueDict {
  std::vector<std::pair<std::string, Value>> entries;
  const Value* find(const std::string& key) const;
  void set(const std::string& key, Value value);
};

class Value {
 public:
  enum class Type { Undefined, None, Bool, Int, Float, String, List, Dict, Function };

  Value() = default;  // undefined
  static Value undefined(std::string name = {});
  static Value none();
  Value(bool b);
  Value(int64_t i);
  Value(int i) : Value(static_cast<int64_t>(i)) {}
  Value(double d);
  Value(std::string s);
  Value(const char* s) : Value(std::string(s)) {}
  static Value list(ValueList items, bool tuple = false);
  static Value dict(ValueDict dict = {}, bool isNamespace = false);
  static Value function(std::string name, NativeFunction fn);
  static Value fromJson(const nlohmann::ordered_json& json);

  Type type() const { return type_; }
  bool isUndefined() const { return type_ == Type::Undefined; }
  bool isNone() const { return type_ == Type::None; }
  bool isBool() const { return type_ == Type::Bool; }
  bool isInt() const { return type_ == Type::Int; }
  bool isFloat() const { return type_ == Type::Float; }
  bool isNumber() const {
    return type_ == Type::Int || type_ == Type::Float || type_ == Type::Bool;
  }
  bool isString() const { return type_ == Type::String; }
  bool isList() const { return type_ == Type::List; }
  bool isTuple() const { return type_ == Type::List && tuple_; }
  bool isDict() const { return type_ == Type::Dict; }
  bool isNamespace() const { return type_ == Type::Dict && namespace_; }
  bool isFunction() const { return type_ == Type::Function; }

  bool asBool() const { return b_; }
  int64_t asInt() const { return type_ == Type::Float ? saturatedInteger(d_) : i_; }
  double asDouble() const { return type_ == Type::Float ? d_ : static_cast<double>(i_); }
  const std::string& asString() const { return s_; }  // also the name of an undefined/function
  const ValueList& items() const { return *list_; }
  ValueList& mutableItems() { return *list_; }
  const ValueDict& asDict() const { return *dict_; }
  ValueDict& mutableDict() { return *dict_; }
  const NativeFunction& asFunction() const { return *fn_; }

  bool truthy() const;
  std::string typeName() const;  // Python's name: 'str', 'int', 'list', ...
  std::string str() const;       // Python str()
  std::string repr() const;      // Python repr()
  // JSON text as Python's json.dumps(ensure_ascii=False) writes it; indent < 0: one line.
  std::string toJson(int indent = -1, bool sortKeys = false) const;

 private:
  void writeJson(std::string& out, int indent, int depth, bool sortKeys) const;

  Type type_ = Type::Undefined;
  bool b_ = false;
  int64_t i_ = 0;
  double d_ = 0.0;
  std::string s_;
  bool tuple_ = false;
  bool namespace_ = false;
  std::shared_ptr<ValueList> list_;
  std::shared_ptr<ValueDict> dict_;
  std::shared_ptr<NativeFunction> fn_;
};

bool valuesEqual(const Value& a, const Value& b);
// -1, 0, 1; throws tunebench::Error (message only) when Python could not order them.
int compareValues(const Value& a, const Value& b);
// Python's repr() of a float: the shortest text that reads back to the same double.
std::string formatPythonFloat(double d);
std::string pythonStringRepr(const std::string& s);

}  // namespace tunebench::jinja
