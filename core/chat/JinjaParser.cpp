#include "chat/JinjaParser.h"

#include <algorithm>

#include "common/Error.h"

namespace tunebench::jinja {

namespace {

constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(const std::string& source, std::vector<Token> tokens)
      : src_(source), tokens_(std::move(tokens)) {}

  Body parseAll() {
    std::string endedBy;
    return parseBody({}, &endedBy);
  }

 private:
  // --- token helpers
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
  bool isOp(const char* op, size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Op && peek(ahead).text == op;
  }
  bool isName(const char* name, size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Name && peek(ahead).text == name;
  }
  bool acceptOp(const char* op) {
    if (!isOp(op)) return false;
    ++pos_;
    return true;
  }
  bool acceptName(const char* name) {
    if (!isName(name)) return false;
    ++pos_;
    return true;
  }
  [[noreturn]] void fail(const Token& at, const std::string& problem) const {
    throw Error("chat template " + describePosition(src_, at.offset) + ": " + problem);
  }
  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Token::Kind::Eof:
        return "end of template";
      case Token::Kind::VarEnd:
        return "'}}'";
      case Token::Kind::BlockEnd:
        return "'%}'";
      case Token::Kind::Text:
        return "text";
      default:
        return "'" + t.text + "'";
    }
  }
  void expectOp(const char* op) {
    if (!acceptOp(op))
      fail(peek(), std::string("expected '") + op + "', found " + describe(peek()));
  }
  std::string expectName() {
    if (peek().kind != Token::Kind::Name)
      fail(peek(), "expected a name, found " + describe(peek()));
    return next().text;
  }
  void expectBlockEnd() {
    if (peek().kind != Token::Kind::BlockEnd)
      fail(peek(), "expected '%}', found " + describe(peek()));
    ++pos_;
  }
  ExprPtr make(Expr::Kind kind, size_t offset) {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->offset = offset;
    return e;
  }
  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, const Token& at) : p(parser) {
      if (++p.depth_ > kMaxDepth) p.fail(at, "nesting is too deep");
    }
    ~DepthGuard() { --p.depth_; }
  };

  // --- statements
  Body parseBody(const std::vector<std::string>& enders, std::string* endedBy) {
    DepthGuard guard(*this, peek());
    Body body;
    while (true) {
      const Token& t = peek();
      if (t.kind == Token::Kind::Eof) {
        if (!enders.empty())
          fail(t, "unexpected end of template, expected {% " + enders.back() + " %}");
        return body;
      }
      if (t.kind == Token::Kind::Text) {
        auto node = std::make_shared<Node>();
        node->kind = Node::Kind::Text;
        node->text = t.text;
        node->offset = t.offset;
        body.push_back(node);
        ++pos_;
      } else if (t.kind == Token::Kind::VarBegin) {
        ++pos_;
        auto node = std::make_shared<Node>();
        node->kind = Node::Kind::Output;
        node->offset = t.offset;
        node->expr = parseTuple(true);
        if (peek().kind != Token::Kind::VarEnd)
          fail(peek(), "expected '}}', found " + describe(peek()));
        ++pos_;
        body.push_back(node);
      } else if (t.kind == Token::Kind::BlockBegin) {
        const Token& tag = peek(1);
        if (tag.kind != Token::Kind::Name) fail(tag, "expected a tag name, found " + describe(tag));
        if (std::find(enders.begin(), enders.end(), tag.text) != enders.end()) {
          pos_ += 2;
          *endedBy = tag.text;
          return body;
        }
        pos_ += 2;
        body.push_back(parseStatement(tag));
      } else {
        fail(t, "unexpected " + describe(t));
      }
    }
  }

  NodePtr parseStatement(const Token& tag) {
    auto node = std::make_shared<Node>();
    node->offset = tag.offset;
    const std::string& name = tag.text;
    std::string endedBy;
    if (name == "if") {
      node->kind = Node::Kind::If;
      ExprPtr condition = parseTuple(true);
      while (true) {
        expectBlockEnd();
        Body body = parseBody({"elif", "else", "endif"}, &endedBy);
        node->branches.emplace_back(condition, std::move(body));
        if (endedBy == "elif") {
          condition = parseTuple(true);
          continue;
        }
        if (endedBy == "else") {
          expectBlockEnd();
          node->elseBody = parseBody({"endif"}, &endedBy);
        }
        break;
      }
    } else if (name == "for") {
      node->kind = Node::Kind::For;
      const bool parenthesized = acceptOp("(");
      do node->targets.push_back(expectName());
      while (acceptOp(","));
      if (parenthesized) expectOp(")");
      if (!acceptName("in")) fail(peek(), "expected 'in', found " + describe(peek()));
      node->expr = parseTuple(false);
      if (acceptName("if")) node->condition = parseExpression(true);
      if (isName("recursive")) fail(peek(), "recursive loops are not supported");
      expectBlockEnd();
      node->body = parseBody({"else", "endfor"}, &endedBy);
      if (endedBy == "else") {
        expectBlockEnd();
        node->elseBody = parseBody({"endfor"}, &endedBy);
      }
    } else if (name == "set") {
      std::string target = expectName();
      if (acceptOp(".")) target += "." + expectName();
      node->targets.push_back(target);
      while (acceptOp(",")) node->targets.push_back(expectName());
      if (acceptOp("=")) {
        node->kind = Node::Kind::Set;
        node->expr = parseTuple(true);
      } else {
        if (node->targets.size() != 1 || target.find('.') != std::string::npos)
          fail(peek(), "expected '=' in the set tag");
        node->kind = Node::Kind::SetBlock;
        expectBlockEnd();
        node->body = parseBody({"endset"}, &endedBy);
      }
    } else if (name == "break" || name == "continue") {
      node->kind = name == "break" ? Node::Kind::Break : Node::Kind::Continue;
    } else if (name == "macro") {
      node->kind = Node::Kind::Macro;
      node->name = expectName();
      expectOp("(");
      while (!isOp(")")) {
        const std::string param = expectName();
        ExprPtr fallback;
        if (acceptOp("=")) fallback = parseExpression(true);
        node->params.emplace_back(param, fallback);
        if (!acceptOp(",")) break;
      }
      expectOp(")");
      expectBlockEnd();
      node->body = parseBody({"endmacro"}, &endedBy);
    } else if (name == "generation") {
      node->kind = Node::Kind::Generation;
      expectBlockEnd();
      node->body = parseBody({"endgeneration"}, &endedBy);
    } else {
      fail(tag, "unknown or unsupported tag '" + name + "'");
    }
    expectBlockEnd();
    return node;
  }

  // --- expressions
  ExprPtr parseTuple(bool withConditional) {
    const Token& start = peek();
    ExprPtr first = parseExpression(withConditional);
    if (!isOp(",")) return first;
    auto tuple = make(Expr::Kind::Tuple, start.offset);
    tuple->args.push_back(first);
    while (acceptOp(",")) {
      if (peek().kind == Token::Kind::VarEnd || peek().kind == Token::Kind::BlockEnd ||
          isName("if"))
        break;
      tuple->args.push_back(parseExpression(withConditional));
    }
    return tuple;
  }

  ExprPtr parseExpression(bool withConditional) {
    DepthGuard guard(*this, peek());
    ExprPtr value = parseOr();
    if (!withConditional) return value;
    while (isName("if")) {
      const size_t offset = next().offset;
      auto cond = make(Expr::Kind::Conditional, offset);
      cond->args.push_back(value);
      cond->args.push_back(parseOr());
      cond->args.push_back(acceptName("else") ? parseExpression(true) : nullptr);
      value = cond;
    }
    return value;
  }

  ExprPtr parseOr() {
    ExprPtr left = parseAnd();
    while (isName("or")) {
      auto node = make(Expr::Kind::Or, next().offset);
      node->args = {left, parseAnd()};
      left = node;
    }
    return left;
  }

  ExprPtr parseAnd() {
    ExprPtr left = parseNot();
    while (isName("and")) {
      auto node = make(Expr::Kind::And, next().offset);
      node->args = {left, parseNot()};
      left = node;
    }
    return left;
  }

  ExprPtr parseNot() {
    if (isName("not")) {
      DepthGuard guard(*this, peek());
      auto node = make(Expr::Kind::Not, next().offset);
      node->args = {parseNot()};
      return node;
    }
    return parseCompare();
  }

  ExprPtr parseCompare() {
    const size_t offset = peek().offset;
    ExprPtr first = parseMath1();
    ExprPtr node;
    while (true) {
      std::string op;
      if (peek().kind == Token::Kind::Op &&
          (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">="))) {
        op = next().text;
      } else if (isName("in")) {
        ++pos_;
        op = "in";
      } else if (isName("not") && isName("in", 1)) {
        pos_ += 2;
        op = "not in";
      } else {
        break;
      }
      if (!node) {
        node = make(Expr::Kind::Compare, offset);
        node->args.push_back(first);
      }
      node->ops.push_back(op);
      node->args.push_back(parseMath1());
    }
    return node ? node : first;
  }

  ExprPtr binary(const std::string& op, ExprPtr left, ExprPtr right, size_t offset) {
    auto node = make(Expr::Kind::Binary, offset);
    node->name = op;
    node->args = {std::move(left), std::move(right)};
    return node;
  }

  ExprPtr parseMath1() {
    ExprPtr left = parseConcat();
    while (isOp("+") || isOp("-")) {
      const Token& op = next();
      left = binary(op.text, left, parseConcat(), op.offset);
    }
    return left;
  }

  ExprPtr parseConcat() {
    ExprPtr left = parseMath2();
    while (isOp("~")) {
      const Token& op = next();
      left = binary("~", left, parseMath2(), op.offset);
    }
    return left;
  }

  ExprPtr parseMath2() {
    ExprPtr left = parsePow();
    while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
      const Token& op = next();
      left = binary(op.text, left, parsePow(), op.offset);
    }
    return left;
  }

  ExprPtr parsePow() {
    ExprPtr left = parseUnary(true);
    while (isOp("**")) {
      const Token& op = next();
      left = binary("**", left, parseUnary(true), op.offset);
    }
    return left;
  }

  ExprPtr parseUnary(bool withFilter) {
    DepthGuard guard(*this, peek());
    ExprPtr node;
    if (isOp("-") || isOp("+")) {
      const Token& op = next();
      node = make(op.text == "-" ? Expr::Kind::Negate : Expr::Kind::Plus, op.offset);
      node->args = {parseUnary(false)};
    } else {
      node = parsePrimary();
    }
    node = parsePostfix(node);
    return withFilter ? parseFilters(node) : node;
  }

  ExprPtr parsePrimary() {
    const Token& t = peek();
    switch (t.kind) {
      case Token::Kind::Name: {
        ++pos_;
        auto node = make(Expr::Kind::Literal, t.offset);
        if (t.text == "true" || t.text == "True")
          node->value = Value(true);
        else if (t.text == "false" || t.text == "False")
          node->value = Value(false);
        else if (t.text == "none" || t.text == "None")
          node->value = Value::none();
        else {
          node->kind = Expr::Kind::Name;
          node->name = t.text;
        }
        return node;
      }
      case Token::Kind::String: {
        std::string text;
        while (peek().kind == Token::Kind::String) text += next().text;
        auto node = make(Expr::Kind::Literal, t.offset);
        node->value = Value(text);
        return node;
      }
      case Token::Kind::Int:
      case Token::Kind::Float: {
        ++pos_;
        auto node = make(Expr::Kind::Literal, t.offset);
        node->value = t.kind == Token::Kind::Int ? Value(t.intValue) : Value(t.floatValue);
        return node;
      }
      case Token::Kind::Op:
        if (t.text == "(") {
          ++pos_;
          if (acceptOp(")")) return make(Expr::Kind::Tuple, t.offset);
          ExprPtr inner = parseExpression(true);
          if (isOp(",")) {
            auto tuple = make(Expr::Kind::Tuple, t.offset);
            tuple->args.push_back(inner);
            while (acceptOp(",") && !isOp(")")) tuple->args.push_back(parseExpression(true));
            inner = tuple;
          }
          expectOp(")");
          return inner;
        }
        if (t.text == "[") {
          ++pos_;
          auto list = make(Expr::Kind::List, t.offset);
          while (!isOp("]")) {
            list->args.push_back(parseExpression(true));
            if (!acceptOp(",")) break;
          }
          expectOp("]");
          return list;
        }
        if (t.text == "{") {
          ++pos_;
          auto dict = make(Expr::Kind::Dict, t.offset);
          while (!isOp("}")) {
            dict->args.push_back(parseExpression(true));
            expectOp(":");
            dict->args.push_back(parseExpression(true));
            if (!acceptOp(",")) break;
          }
          expectOp("}");
          return dict;
        }
        break;
      default:
        break;
    }
    fail(t, "expected an expression, found " + describe(t));
  }

  ExprPtr parsePostfix(ExprPtr node) {
    while (true) {
      const Token& t = peek();
      if (isOp(".")) {
        ++pos_;
        auto attr = make(Expr::Kind::Attribute, t.offset);
        if (peek().kind == Token::Kind::Int) {
          attr->kind = Expr::Kind::Subscript;
          auto index = make(Expr::Kind::Literal, peek().offset);
          index->value = Value(next().intValue);
          attr->args = {node, index};
        } else {
          attr->name = expectName();
          attr->args = {node};
        }
        node = attr;
      } else if (isOp("[")) {
        ++pos_;
        auto sub = make(Expr::Kind::Subscript, t.offset);
        sub->args = {node, parseSubscript()};
        expectOp("]");
        node = sub;
      } else if (isOp("(")) {
        node = parseCall(node);
      } else {
        return node;
      }
    }
  }

  ExprPtr parseSubscript() {
    const size_t offset = peek().offset;
    ExprPtr start = isOp(":") ? nullptr : parseExpression(true);
    if (!isOp(":")) return start;
    auto slice = make(Expr::Kind::Slice, offset);
    ++pos_;
    ExprPtr stop = (isOp(":") || isOp("]")) ? nullptr : parseExpression(true);
    ExprPtr step;
    if (acceptOp(":") && !isOp("]")) step = parseExpression(true);
    slice->args = {start, stop, step};
    return slice;
  }

  // Parses "(args)" into node->args (after existing ones) and node->kwargs.
  void parseArguments(const ExprPtr& node) {
    expectOp("(");
    while (!isOp(")")) {
      if (peek().kind == Token::Kind::Name && isOp("=", 1)) {
        const std::string key = next().text;
        ++pos_;
        node->kwargs.emplace_back(key, parseExpression(true));
      } else {
        if (!node->kwargs.empty()) fail(peek(), "positional argument after keyword argument");
        node->args.push_back(parseExpression(true));
      }
      if (!acceptOp(",")) break;
    }
    expectOp(")");
  }

  ExprPtr parseCall(ExprPtr callee) {
    auto call = make(Expr::Kind::Call, peek().offset);
    call->args.push_back(callee);
    parseArguments(call);
    return call;
  }

  ExprPtr parseFilters(ExprPtr node) {
    while (true) {
      if (isOp("|")) {
        const Token& bar = next();
        auto filter = make(Expr::Kind::Filter, bar.offset);
        filter->name = expectName();
        filter->args.push_back(node);
        if (isOp("(")) parseArguments(filter);
        node = filter;
      } else if (isName("is")) {
        const Token& is = next();
        auto test = make(Expr::Kind::Test, is.offset);
        test->negated = acceptName("not");
        test->name = expectName();
        test->args.push_back(node);
        if (isOp("(")) {
          parseArguments(test);
        } else if (startsArgument()) {
          test->args.push_back(parsePostfix(parsePrimary()));
        }
        node = test;
      } else {
        return node;
      }
    }
  }

  bool startsArgument() const {
    const Token& t = peek();
    if (t.kind == Token::Kind::String || t.kind == Token::Kind::Int || t.kind == Token::Kind::Float)
      return true;
    if (t.kind != Token::Kind::Name) return false;
    static const char* const stops[] = {"and", "or", "else", "if", "is", "in", "not"};
    for (const char* s : stops)
      if (t.text == s) return false;
    return true;
  }

  const std::string& src_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Body parseTemplate(const std::string& source, const LexOptions& options) {
  return Parser(source, lexTemplate(source, options)).parseAll();
}

}  // namespace tunebench::jinja
