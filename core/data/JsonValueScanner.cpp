#include "data/JsonValueScanner.h"

#include "common/Error.h"

namespace tunebench {

namespace {

bool isSpace(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string describe(int c) {
  if (c == -1) return "the end of the file";
  if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  char text[16];
  std::snprintf(text, sizeof text, "byte 0x%02X", c);
  return text;
}

std::string locate(const std::string& path, const TextPosition& at) {
  return path + ": line " + std::to_string(at.line) + ", column " + std::to_string(at.column) +
         " (byte offset " + std::to_string(at.offset) + ")";
}

}  // namespace

TextPosition advance(TextPosition at, const std::string& text, size_t bytes) {
  for (size_t i = 0; i < bytes && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' && i > 0 && text[i - 1] == '\r') {
      // the CR already ended the line
    } else if (c == '\n' || c == '\r') {
      ++at.line;
      at.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++at.column;
    }
    if (c == '\n' || c == '\r') at.column = 1;
    ++at.offset;
  }
  return at;
}

JsonValueScanner::JsonValueScanner(const std::string& path, size_t bufferBytes,
                                   size_t maxValueBytes)
    : cursor_(path, bufferBytes), maxValueBytes_(maxValueBytes) {
  skipWhitespace();
  const int c = cursor_.peek();
  if (c == '[') {
    cursor_.get();
    shape_ = Shape::Array;
  } else if (c == '{') {
    shape_ = Shape::Object;
  } else {
    throw Error(locate(path, cursor_.position()) +
                ": expected '[' (an array of records) or '{' (an object of columns), found " +
                describe(c));
  }
}

void JsonValueScanner::skipWhitespace() {
  while (isSpace(cursor_.peek())) cursor_.get();
}

bool JsonValueScanner::capture(std::string& text, std::optional<ScanProblem>& problem) {
  const TextPosition start = cursor_.position();
  int depth = 0;
  bool inString = false;
  auto tooLong = [&] {
    problem = ScanProblem{
        start, "value longer than the limit of " + std::to_string(maxValueBytes_) + " bytes", true};
    return false;
  };
  while (true) {
    const int c = cursor_.peek();
    if (c == -1) {
      problem = ScanProblem{start, "value is never closed (the file ends inside it)", true};
      return false;
    }
    if (!inString && depth == 0 && !text.empty() &&
        (c == ',' || c == ']' || c == '}' || isSpace(c)) && text.front() != '{' &&
        text.front() != '[' && text.front() != '"')
      return true;  // end of a number, literal or other bare token
    cursor_.get();
    text.push_back(static_cast<char>(c));
    if (text.size() > maxValueBytes_) return tooLong();
    if (inString) {
      if (c == '\\') {
        const int escaped = cursor_.get();
        if (escaped == -1) continue;
        text.push_back(static_cast<char>(escaped));
      } else if (c == '"') {
        inString = false;
        if (depth == 0) return true;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth <= 0) return true;
    }
  }
}

bool JsonValueScanner::finish(std::optional<ScanProblem>& problem) {
  done_ = true;
  skipWhitespace();
  if (cursor_.peek() == -1) return false;
  problem = ScanProblem{cursor_.position(),
                        "unexpected " + describe(cursor_.peek()) + " after the end of the document",
                        true};
  return true;
}

bool JsonValueScanner::captured(ScannedValue& value, std::optional<ScanProblem>& problem) {
  if (!capture(value.text, problem)) {
    done_ = true;
    return true;
  }
  if (cursor_.sawInvalidUtf8()) {
    problem = ScanProblem{cursor_.badUtf8Position(), "invalid UTF-8", false};
    cursor_.clearInvalidUtf8();
  }
  return true;
}

bool JsonValueScanner::next(ScannedValue& value, std::optional<ScanProblem>& problem) {
  problem.reset();
  value.text.clear();
  if (done_) return false;
  // The closing ']' or the object was seen: only whitespace may follow.
  if (last_) return finish(problem);
  if (shape_ == Shape::Object) {
    value.start = cursor_.position();
    last_ = true;
    return captured(value, problem);
  }
  skipWhitespace();
  value.start = cursor_.position();
  const int c = cursor_.peek();
  if (c == ']' && elements_ == 0) {
    cursor_.get();
    return finish(problem);
  }
  if (c == ']' || c == ',') {
    problem = ScanProblem{value.start, std::string("expected a value, found ") + describe(c), true};
    done_ = true;
    return true;
  }
  captured(value, problem);
  if (done_) return true;
  ++elements_;
  skipWhitespace();
  const int after = cursor_.peek();
  if (after == ',' || after == ']') {
    cursor_.get();
    last_ = after == ']';
    return true;
  }
  problem =
      ScanProblem{cursor_.position(),
                  "expected ',' or ']' after an array element, found " + describe(after), true};
  done_ = true;
  return true;
}

}  // namespace tunebench
