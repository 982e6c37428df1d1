#pragma once
// Splits a JSON document into the values a record importer needs without parsing them: the
// elements of a top-level array one at a time (so a large array is never held whole), or the
// whole top-level object. It tracks strings and nesting only; each captured value is then parsed
// by a real JSON parser. Positions are exact, for any read buffer size.
#include <optional>
#include <string>

#include "data/TextCursor.h"

namespace tunebench {

struct ScannedValue {
  std::string text;
  TextPosition start;
};

struct ScanProblem {
  TextPosition at;
  std::string problem;
  bool fatal = false;  // the rest of the document cannot be read
};

class JsonValueScanner {
 public:
  enum class Shape { Array, Object };

  // Reads up to the first value: '[' or '{' after an optional byte order mark and whitespace.
  // Throws tunebench::Error naming the position otherwise.
  JsonValueScanner(const std::string& path, size_t bufferBytes, size_t maxValueBytes);

  Shape shape() const { return shape_; }

  // Array: the next element, or false after the closing ']'. Object: the whole object once.
  // On a problem returns true with `problem` set; when it is not fatal, reading can go on.
  bool next(ScannedValue& value, std::optional<ScanProblem>& problem);

  const TextCursor& cursor() const { return cursor_; }

 private:
  void skipWhitespace();
  // Appends one complete value to `text`; false (with problem) if it cannot be delimited.
  bool capture(std::string& text, std::optional<ScanProblem>& problem);
  bool finish(std::optional<ScanProblem>& problem);
  bool captured(ScannedValue& value, std::optional<ScanProblem>& problem);

  TextCursor cursor_;
  size_t maxValueBytes_;
  Shape shape_ = Shape::Array;
  bool done_ = false;
  bool last_ = false;
  int64_t elements_ = 0;
};

// Moves `start` over text[0, bytes), counting lines (LF, CRLF, CR) and characters.
TextPosition advance(TextPosition start, const std::string& text, size_t bytes);

}  // namespace tunebench
