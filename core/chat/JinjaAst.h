#pragma once
// The parsed form of a template: expressions and statements.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/JinjaValue.h"

namespace tunebench::jinja {

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

struct Expr {
  enum class Kind {
    Literal,    // value
    Name,       // name
    List,       // args
    Tuple,      // args
    Dict,       // args: key, value, key, value, ...
    Attribute,  // args[0].name
    Subscript,  // args[0][args[1]]
    Slice,      // args: start, stop, step (null when omitted)
    Call,       // args[0](args[1..], kwargs)
    Filter,     // name; args[0] is the input, args[1..] the arguments
    Test,       // name; args[0] is tested, args[1..] the arguments; negated
    Not,
    Negate,
    Plus,
    Binary,   // name is the operator: + - * / // % ** ~
    Compare,  // args[0] op[0] args[1] op[1] args[2] ...
    And,
    Or,
    Conditional,  // args: value, condition, otherwise (may be null)
  };
  Kind kind;
  size_t offset = 0;
  std::string name;
  Value value;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<std::string> ops;  // Compare
  bool negated = false;          // Test
};

struct Node;
using NodePtr = std::shared_ptr<Node>;
using Body = std::vector<NodePtr>;

struct Node {
  enum class Kind { Text, Output, If, For, Set, SetBlock, Break, Continue, Macro, Generation };
  Kind kind;
  size_t offset = 0;
  std::string text;                                     // Text
  ExprPtr expr;                                         // Output, Set value, For iterable
  std::vector<std::pair<ExprPtr, Body>> branches;       // If: condition and body, in order
  Body body;                                            // For, SetBlock, Macro, Generation
  Body elseBody;                                        // If, For
  std::vector<std::string> targets;                     // For/Set: names; Set may be "ns.attr"
  ExprPtr condition;                                    // For ... if condition
  std::string name;                                     // Macro
  std::vector<std::pair<std::string, ExprPtr>> params;  // Macro parameters and defaults
};

}  // namespace tunebench::jinja
