#include "chat/JinjaTemplate.h"

#include <unordered_map>

#include "chat/JinjaBuiltins.h"
#include "chat/JinjaParser.h"
#include "common/Error.h"

namespace tunebench::jinja {

namespace {

// An error that already names its template position; it passes outer handlers unchanged.
class PositionedError : public Error {
 public:
  using Error::Error;
};

bool containsGeneration(const Body& body) {
  for (const auto& node : body) {
    if (node->kind == Node::Kind::Generation) return true;
    if (containsGeneration(node->body) || containsGeneration(node->elseBody)) return true;
    for (const auto& branch : node->branches)
      if (containsGeneration(branch.second)) return true;
  }
  return false;
}

constexpr int kMaxCallDepth = 100;
// Bounds the work a (possibly hostile) template can ask for, as kMostTemplateText bounds its text.
constexpr int64_t kMaxLoopIterations = 10'000'000;

class Interpreter {
 public:
  Interpreter(const std::string& source, std::string* out,
              std::vector<std::pair<size_t, size_t>>* spans)
      : src_(source), out_(out), root_(out), spans_(spans) {}

  enum class Flow { Normal, Break, Continue };

  void pushFrame(ValueDict frame) {
    frames_.emplace_back();
    for (auto& [key, value] : frame.entries) frames_.back()[key] = std::move(value);
  }

  Flow run(const Body& body) {
    for (const auto& node : body) {
      const Flow flow = exec(*node);
      if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& problem) const {
    throw PositionedError("chat template " + describePosition(src_, offset) + ": " + problem);
  }

  template <typename F>
  auto guarded(size_t offset, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const PositionedError&) {
      throw;
    } catch (const std::exception& e) {
      fail(offset, e.what());
    }
  }

  void write(const std::string& text, size_t offset) {
    if (out_->size() + text.size() > kMostTemplateText)
      fail(offset, "output is larger than 64 MiB");
    *out_ += text;
  }

  Value lookup(const std::string& name) const {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      const auto found = it->find(name);
      if (found != it->end()) return found->second;
    }
    return Value::undefined(name);
  }

  void assign(const std::vector<std::string>& targets, const Value& value, size_t offset) {
    if (targets.size() == 1) {
      const std::string& target = targets[0];
      const size_t dot = target.find('.');
      if (dot == std::string::npos) {
        frames_.back()[target] = value;
        return;
      }
      Value object = lookup(target.substr(0, dot));
      if (!object.isNamespace()) fail(offset, "cannot assign attribute on non-namespace object");
      object.mutableDict().set(target.substr(dot + 1), value);
      return;
    }
    if (!value.isList() || value.items().size() != targets.size())
      fail(offset, "cannot unpack " + value.typeName() + " into " + std::to_string(targets.size()) +
                       " names");
    for (size_t i = 0; i < targets.size(); ++i) frames_.back()[targets[i]] = value.items()[i];
  }

  std::string capture(const Body& body) {
    std::string buffer;
    std::string* saved = out_;
    out_ = &buffer;
    try {
      run(body);
    } catch (...) {
      out_ = saved;
      throw;
    }
    out_ = saved;
    return buffer;
  }

  Flow exec(const Node& node) {
    switch (node.kind) {
      case Node::Kind::Text:
        write(node.text, node.offset);
        return Flow::Normal;
      case Node::Kind::Output: {
        const Value v = eval(*node.expr);
        write(v.str(), node.offset);
        return Flow::Normal;
      }
      case Node::Kind::If:
        for (const auto& [condition, body] : node.branches)
          if (eval(*condition).truthy()) return run(body);
        return run(node.elseBody);
      case Node::Kind::For:
        return execFor(node);
      case Node::Kind::Set:
        assign(node.targets, eval(*node.expr), node.offset);
        return Flow::Normal;
      case Node::Kind::SetBlock:
        assign(node.targets, Value(capture(node.body)), node.offset);
        return Flow::Normal;
      case Node::Kind::Break:
        if (loopDepth_ == 0) fail(node.offset, "break outside a loop");
        return Flow::Break;
      case Node::Kind::Continue:
        if (loopDepth_ == 0) fail(node.offset, "continue outside a loop");
        return Flow::Continue;
      case Node::Kind::Macro:
        frames_.back()[node.name] = makeMacro(node);
        return Flow::Normal;
      case Node::Kind::Generation: {
        const size_t start = out_->size();
        const Flow flow = run(node.body);
        // Spans are only meaningful in the final output, not inside a captured set or macro.
        if (spans_ && out_ == root_) spans_->emplace_back(start, out_->size());
        return flow;
      }
    }
    return Flow::Normal;
  }

  Flow execFor(const Node& node) {
    const Value iterable = eval(*node.expr);
    ValueList items = guarded(node.expr->offset, [&] { return iterate(iterable); });
    auto bindTargets = [&](const Value& item) {
      if (node.targets.size() == 1) {
        frames_.back()[node.targets[0]] = item;
        return;
      }
      if (!item.isList() || item.items().size() != node.targets.size())
        fail(node.offset, "cannot unpack " + item.typeName() + " into " +
                              std::to_string(node.targets.size()) + " names");
      for (size_t k = 0; k < node.targets.size(); ++k)
        frames_.back()[node.targets[k]] = item.items()[k];
    };
    if (node.condition) {
      ValueList kept;
      for (const Value& item : items) {
        frames_.emplace_back();
        bindTargets(item);
        const bool keep = eval(*node.condition).truthy();
        frames_.pop_back();
        if (keep) kept.push_back(item);
      }
      items.swap(kept);
    }
    if (items.empty()) return run(node.elseBody);
    ++loopDepth_;
    const auto n = static_cast<int64_t>(items.size());
    for (int64_t i = 0; i < n; ++i) {
      if (++iterations_ > kMaxLoopIterations) {
        --loopDepth_;
        fail(node.offset, "the template runs more than 10 million loop iterations");
      }
      ValueDict loop;
      loop.set("index", Value(i + 1));
      loop.set("index0", Value(i));
      loop.set("revindex", Value(n - i));
      loop.set("revindex0", Value(n - i - 1));
      loop.set("first", Value(i == 0));
      loop.set("last", Value(i == n - 1));
      loop.set("length", Value(n));
      loop.set("previtem",
               i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined("previtem"));
      loop.set("nextitem",
               i + 1 < n ? items[static_cast<size_t>(i + 1)] : Value::undefined("nextitem"));
      loop.set("cycle", Value::function("cycle", [i](ValueList& args, KeywordArgs&) {
                 if (args.empty()) throw Error("no items for cycling given");
                 return args[static_cast<size_t>(i) % args.size()];
               }));
      // Each iteration gets a fresh scope: a set inside the body does not outlive it.
      frames_.emplace_back();
      frames_.back()["loop"] = Value::dict(std::move(loop));
      bindTargets(items[static_cast<size_t>(i)]);
      Flow flow;
      try {
        flow = run(node.body);
      } catch (...) {
        frames_.pop_back();
        --loopDepth_;
        throw;
      }
      frames_.pop_back();
      if (flow == Flow::Break) break;
    }
    --loopDepth_;
    return Flow::Normal;
  }

  Value makeMacro(const Node& node) {
    const Node* macro = &node;
    return Value::function(node.name, [this, macro](ValueList& args, KeywordArgs& kwargs) {
      if (++callDepth_ > kMaxCallDepth) {
        --callDepth_;
        throw Error("macro calls nested too deeply");
      }
      if (args.size() > macro->params.size()) {
        --callDepth_;
        throw Error("macro '" + macro->name + "' takes " + std::to_string(macro->params.size()) +
                    " arguments");
      }
      frames_.emplace_back();
      const int savedLoops = loopDepth_;
      loopDepth_ = 0;
      std::string result;
      try {
        for (size_t i = 0; i < macro->params.size(); ++i) {
          const auto& [param, fallback] = macro->params[i];
          Value v = i < args.size() ? args[i] : Value::undefined(param);
          for (const auto& [key, value] : kwargs)
            if (key == param) v = value;
          if (v.isUndefined() && fallback) v = eval(*fallback);
          frames_.back()[param] = v;
        }
        result = capture(macro->body);
      } catch (...) {
        frames_.pop_back();
        loopDepth_ = savedLoops;
        --callDepth_;
        throw;
      }
      frames_.pop_back();
      loopDepth_ = savedLoops;
      --callDepth_;
      return Value(result);
    });
  }

  void evalArguments(const Expr& e, size_t first, ValueList& args, KeywordArgs& kwargs) {
    for (size_t i = first; i < e.args.size(); ++i) args.push_back(eval(*e.args[i]));
    for (const auto& [key, value] : e.kwargs) kwargs.emplace_back(key, eval(*value));
  }

  Value eval(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::Literal:
        return e.value;
      case Expr::Kind::Name:
        return lookup(e.name);
      case Expr::Kind::List:
      case Expr::Kind::Tuple: {
        ValueList items;
        for (const auto& a : e.args) items.push_back(eval(*a));
        return Value::list(std::move(items), e.kind == Expr::Kind::Tuple);
      }
      case Expr::Kind::Dict: {
        ValueDict d;
        for (size_t i = 0; i + 1 < e.args.size(); i += 2) {
          const Value key = eval(*e.args[i]);
          if (!key.isString())
            fail(e.args[i]->offset, "only string keys are supported in dict literals");
          d.set(key.asString(), eval(*e.args[i + 1]));
        }
        return Value::dict(std::move(d));
      }
      case Expr::Kind::Attribute: {
        const Value object = eval(*e.args[0]);
        return guarded(e.offset, [&] { return getAttribute(object, e.name); });
      }
      case Expr::Kind::Subscript: {
        const Value object = eval(*e.args[0]);
        const Expr& index = *e.args[1];
        if (index.kind == Expr::Kind::Slice) {
          const Value start = index.args[0] ? eval(*index.args[0]) : Value::none();
          const Value stop = index.args[1] ? eval(*index.args[1]) : Value::none();
          const Value step = index.args[2] ? eval(*index.args[2]) : Value::none();
          return guarded(e.offset, [&] { return sliceValue(object, start, stop, step); });
        }
        const Value key = eval(index);
        return guarded(e.offset, [&] { return getItem(object, key); });
      }
      case Expr::Kind::Slice:
        fail(e.offset, "a slice is only allowed inside []");
      case Expr::Kind::Call: {
        const Value callee = eval(*e.args[0]);
        if (callee.isUndefined()) fail(e.offset, "'" + callee.asString() + "' is undefined");
        if (!callee.isFunction())
          fail(e.offset, "'" + callee.typeName() + "' object is not callable");
        ValueList args;
        KeywordArgs kwargs;
        evalArguments(e, 1, args, kwargs);
        return guarded(e.offset, [&] { return callee.asFunction()(args, kwargs); });
      }
      case Expr::Kind::Filter: {
        const Value input = eval(*e.args[0]);
        ValueList args;
        KeywordArgs kwargs;
        evalArguments(e, 1, args, kwargs);
        return guarded(e.offset, [&] {
          return applyFilter(e.name, input, std::move(args), std::move(kwargs));
        });
      }
      case Expr::Kind::Test: {
        const Value subject = eval(*e.args[0]);
        ValueList args;
        KeywordArgs kwargs;
        evalArguments(e, 1, args, kwargs);
        const bool result = guarded(e.offset, [&] { return applyTest(e.name, subject, args); });
        return Value(result != e.negated);
      }
      case Expr::Kind::Not:
        return Value(!eval(*e.args[0]).truthy());
      case Expr::Kind::Negate:
      case Expr::Kind::Plus: {
        const Value v = eval(*e.args[0]);
        if (!v.isNumber())
          fail(e.offset, "bad operand type for unary " +
                             std::string(e.kind == Expr::Kind::Negate ? "-" : "+") + ": '" +
                             v.typeName() + "'");
        if (e.kind == Expr::Kind::Plus) return v.isFloat() ? Value(v.asDouble()) : Value(v.asInt());
        if (v.isFloat()) return Value(-v.asDouble());
        return guarded(e.offset, [&] { return Value(checkedNegate(v.asInt())); });
      }
      case Expr::Kind::Binary: {
        const Value a = eval(*e.args[0]);
        const Value b = eval(*e.args[1]);
        return guarded(e.offset, [&] { return binaryOperation(e.name, a, b); });
      }
      case Expr::Kind::Compare: {
        Value left = eval(*e.args[0]);
        for (size_t i = 0; i < e.ops.size(); ++i) {
          const Value right = eval(*e.args[i + 1]);
          const std::string& op = e.ops[i];
          const bool ok = guarded(e.offset, [&] {
            if (op == "==") return valuesEqual(left, right);
            if (op == "!=") return !valuesEqual(left, right);
            if (op == "in") return containsValue(right, left);
            if (op == "not in") return !containsValue(right, left);
            const int c = compareValues(left, right);
            return op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0;
          });
          if (!ok) return Value(false);
          left = right;
        }
        return Value(true);
      }
      case Expr::Kind::And: {
        Value left = eval(*e.args[0]);
        return left.truthy() ? eval(*e.args[1]) : left;
      }
      case Expr::Kind::Or: {
        Value left = eval(*e.args[0]);
        return left.truthy() ? left : eval(*e.args[1]);
      }
      case Expr::Kind::Conditional:
        if (eval(*e.args[1]).truthy()) return eval(*e.args[0]);
        return e.args[2] ? eval(*e.args[2]) : Value::undefined();
    }
    fail(e.offset, "unknown expression");
  }

  const std::string& src_;
  std::string* out_;
  const std::string* root_;
  std::vector<std::pair<size_t, size_t>>* spans_;
  std::vector<std::unordered_map<std::string, Value>> frames_;
  int loopDepth_ = 0;
  int callDepth_ = 0;
  int64_t iterations_ = 0;
};

}  // namespace

Template::Template(std::string source, const LexOptions& options) : source_(std::move(source)) {
  body_ = parseTemplate(source_, options);
  hasGeneration_ = containsGeneration(body_);
}

std::string Template::render(const ValueDict& context,
                             std::vector<std::pair<size_t, size_t>>* generationSpans) const {
  std::string out;
  Interpreter interpreter(source_, &out, generationSpans);
  interpreter.pushFrame(builtinGlobals());
  interpreter.pushFrame(context);
  interpreter.pushFrame({});
  interpreter.run(body_);
  return out;
}

}  // namespace tunebench::jinja
