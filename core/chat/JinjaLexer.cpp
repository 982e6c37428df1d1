#include "chat/JinjaLexer.h"

#include <cstdlib>
#include <cstring>

#include "common/Error.h"
#include "common/Utf8.h"

namespace tunebench::jinja {

std::string describePosition(const std::string& source, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

class Lexer {
 public:
  Lexer(const std::string& source, const LexOptions& options) : src_(source), options_(options) {}

  std::vector<Token> run() {
    size_t end = src_.size();
    if (!options_.keepTrailingNewline && end > 0 && src_[end - 1] == '\n') {
      --end;
      if (end > 0 && src_[end - 1] == '\r') --end;
    }
    size_t pos = 0;
    bool stripNextText = false;
    while (pos < end) {
      const size_t open = findTagOpen(pos, end);
      std::string text = src_.substr(pos, (open == std::string::npos ? end : open) - pos);
      if (stripNextText)
        text.erase(0, text.find_first_not_of(" \t\r\n\f\v") == std::string::npos
                          ? text.size()
                          : text.find_first_not_of(" \t\r\n\f\v"));
      stripNextText = false;
      if (open == std::string::npos) {
        pushText(text, pos);
        break;
      }
      const char kind = src_[open + 1];
      size_t inner = open + 2;
      const char marker = inner < end ? src_[inner] : '\0';
      if (marker == '-') {
        const size_t keep = text.find_last_not_of(" \t\r\n\f\v");
        text.erase(keep == std::string::npos ? 0 : keep + 1);
        ++inner;
      } else if (marker == '+' && kind != '{') {
        ++inner;
      } else if (kind != '{' && options_.lstripBlocks) {
        // Only spaces and tabs between the start of the line and a block or comment tag.
        const size_t lineStart = text.rfind('\n');
        const size_t from = lineStart == std::string::npos ? 0 : lineStart + 1;
        const bool atLineStart =
            lineStart != std::string::npos || pos == 0 || src_[pos - 1] == '\n';
        if (atLineStart && text.find_first_not_of(" \t", from) == std::string::npos)
          text.erase(from);
      }
      pushText(text, pos);
      if (kind == '#') {
        const size_t close = src_.find("#}", inner);
        if (close == std::string::npos) fail(open, "unclosed comment");
        pos = close + 2;
        const bool minus = close > inner && src_[close - 1] == '-';
        const bool plus = close > inner && src_[close - 1] == '+';
        afterBlockEnd(pos, minus, plus, stripNextText);
        continue;
      }
      tokens_.push_back(
          {kind == '{' ? Token::Kind::VarBegin : Token::Kind::BlockBegin, {}, 0, 0.0, open});
      pos = lexTag(inner, end, kind == '{' ? '}' : '%', stripNextText);
    }
    tokens_.push_back({Token::Kind::Eof, {}, 0, 0.0, end});
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& problem) const {
    throw Error("chat template " + describePosition(src_, offset) + ": " + problem);
  }

  size_t findTagOpen(size_t pos, size_t end) const {
    for (size_t i = pos; i + 1 < end; ++i)
      if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#'))
        return i;
    return std::string::npos;
  }

  void pushText(const std::string& text, size_t offset) {
    if (!text.empty()) tokens_.push_back({Token::Kind::Text, text, 0, 0.0, offset});
  }

  void afterBlockEnd(size_t& pos, bool minus, bool plus, bool& stripNextText) const {
    if (minus) {
      stripNextText = true;
    } else if (!plus && options_.trimBlocks && pos < src_.size() && src_[pos] == '\n') {
      ++pos;
    } else if (!plus && options_.trimBlocks && pos + 1 < src_.size() && src_[pos] == '\r' &&
               src_[pos + 1] == '\n') {
      pos += 2;
    }
  }

  // Lexes the inside of {{ }} or {% %}; returns the offset after the closing delimiter.
  size_t lexTag(size_t pos, size_t end, char closer, bool& stripNextText) {
    int depth = 0;
    while (true) {
      while (pos < end && std::strchr(" \t\r\n\f\v", src_[pos]) && src_[pos] != '\0') ++pos;
      if (pos >= end) fail(pos, std::string("missing '") + closer + "}' to close the tag");
      const char c = src_[pos];
      if (depth == 0) {
        const bool minus = c == '-' && pos + 2 < end + 1 &&
                           src_.compare(pos + 1, 2, std::string(1, closer) + "}") == 0;
        const bool plus = c == '+' && closer == '%' && src_.compare(pos + 1, 2, "%}") == 0;
        if (minus || plus || (c == closer && pos + 1 < end && src_[pos + 1] == '}')) {
          tokens_.push_back(
              {closer == '}' ? Token::Kind::VarEnd : Token::Kind::BlockEnd, {}, 0, 0.0, pos});
          pos += (minus || plus) ? 3 : 2;
          if (closer == '%') {
            afterBlockEnd(pos, minus, plus, stripNextText);
          } else if (minus) {
            stripNextText = true;
          }
          return pos;
        }
      }
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t e = pos;
        while (e < end && (std::isalnum(static_cast<unsigned char>(src_[e])) || src_[e] == '_'))
          ++e;
        tokens_.push_back({Token::Kind::Name, src_.substr(pos, e - pos), 0, 0.0, pos});
        pos = e;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        pos = lexNumber(pos, end);
      } else if (c == '\'' || c == '"') {
        pos = lexString(pos, end);
      } else {
        static const char* const ops[] = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*",
                                          "/",  "%",  "~",  "<",  ">",  "=",  ".", ",", ":",
                                          "|",  "(",  ")",  "[",  "]",  "{",  "}"};
        const char* found = nullptr;
        for (const char* op : ops)
          if (src_.compare(pos, std::strlen(op), op) == 0) {
            found = op;
            break;
          }
        if (!found) fail(pos, std::string("unexpected character '") + c + "'");
        const std::string op(found);
        if (op == "(" || op == "[" || op == "{") ++depth;
        if (op == ")" || op == "]" || op == "}") {
          if (depth == 0) fail(pos, "unexpected '" + op + "'");
          --depth;
        }
        tokens_.push_back({Token::Kind::Op, op, 0, 0.0, pos});
        pos += op.size();
      }
    }
  }

  size_t lexNumber(size_t pos, size_t end) {
    size_t e = pos;
    std::string digits;
    bool isFloat = false;
    auto takeDigits = [&] {
      while (e < end && (std::isdigit(static_cast<unsigned char>(src_[e])) || src_[e] == '_')) {
        if (src_[e] != '_') digits += src_[e];
        ++e;
      }
    };
    takeDigits();
    if (e + 1 < end && src_[e] == '.' && std::isdigit(static_cast<unsigned char>(src_[e + 1]))) {
      isFloat = true;
      digits += src_[e++];
      takeDigits();
    }
    if (e < end && (src_[e] == 'e' || src_[e] == 'E')) {
      size_t k = e + 1;
      if (k < end && (src_[k] == '+' || src_[k] == '-')) ++k;
      if (k < end && std::isdigit(static_cast<unsigned char>(src_[k]))) {
        isFloat = true;
        digits += src_.substr(e, k - e);
        e = k;
        takeDigits();
      }
    }
    Token token{isFloat ? Token::Kind::Float : Token::Kind::Int, digits, 0, 0.0, pos};
    if (isFloat) {
      token.floatValue = std::strtod(digits.c_str(), nullptr);
    } else {
      errno = 0;
      token.intValue = std::strtoll(digits.c_str(), nullptr, 10);
      if (errno == ERANGE) fail(pos, "integer literal too large");
    }
    tokens_.push_back(token);
    return e;
  }

  size_t lexString(size_t pos, size_t end) {
    const char quote = src_[pos];
    std::string value;
    size_t i = pos + 1;
    while (i < end && src_[i] != quote) {
      if (src_[i] != '\\' || i + 1 >= end) {
        value += src_[i++];
        continue;
      }
      const char e = src_[i + 1];
      i += 2;
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case '0':
          value += '\0';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'v':
          value += '\v';
          break;
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case '\n':
          break;
        case 'x':
        case 'u':
        case 'U': {
          const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + n > end) fail(i, "truncated escape in string literal");
          const std::string hex = src_.substr(i, n);
          char* stop = nullptr;
          const unsigned long cp = std::strtoul(hex.c_str(), &stop, 16);
          if (*stop != '\0' || cp > 0x10FFFF) fail(i, "bad escape \\" + std::string(1, e) + hex);
          appendUtf8(value, static_cast<char32_t>(cp));
          i += n;
          break;
        }
        default:
          value += '\\';
          value += e;
      }
    }
    if (i >= end) fail(pos, "unterminated string literal");
    tokens_.push_back({Token::Kind::String, value, 0, 0.0, pos});
    return i + 1;
  }

  const std::string& src_;
  LexOptions options_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> lexTemplate(const std::string& source, const LexOptions& options) {
  return Lexer(source, options).run();
}

}  // namespace tunebench::jinja
