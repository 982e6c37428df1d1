#pragma once
// RFC 4180 reader for comma-, tab- or otherwise-separated values, streamed through TextCursor.
// Quoted fields may hold delimiters, line ends and doubled quotes; LF, CRLF and lone CR end a
// record; a UTF-8 byte order mark at the start is skipped. Problems are reported with the exact
// line, character column and byte offset, and reading can go on with the next record.
#include <optional>
#include <string>
#include <vector>

#include "data/TextCursor.h"

namespace tunebench {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  size_t maxFieldBytes = 16u << 20;
  size_t bufferBytes = TextCursor::kDefaultBufferBytes;
};

struct CsvRow {
  std::vector<std::string> fields;
  std::vector<TextPosition> fieldStarts;
  TextPosition start;  // where the record starts
  TextPosition end;    // where its line end (or the end of the file) is
};

struct CsvProblem {
  TextPosition at;     // where the problem is
  TextPosition start;  // where the record holding it starts
  TextPosition end;    // where the malformed record ends: reading goes on from here
  std::string problem;
};

class CsvReader {
 public:
  CsvReader(const std::string& path, const CsvOptions& options);

  // Reads the next record. Returns false at the end of the file. When the record is malformed,
  // returns true with `problem` set; the rest of the record's line was skipped. A quote that is
  // never closed makes the line where it opened the malformed record, and reading goes on with
  // the next line (the rest of the file is not swallowed into one field).
  bool next(CsvRow& row, std::optional<CsvProblem>& problem);

  const TextCursor& cursor() const { return cursor_; }

 private:
  // Consumes a line end if one comes next; true when it did (or the file ended).
  bool atRecordEnd(int c);
  void skipRestOfLine();
  std::optional<CsvProblem> checkUtf8(const CsvRow& row);

  TextCursor cursor_;
  CsvOptions options_;
};

// The file's bytes from `from` to `to`, at most maxBytes of them: a malformed record's raw text.
std::string csvRawText(const std::string& path, const TextPosition& from, const TextPosition& to,
                       size_t maxBytes = 200);

// Guesses the delimiter from the first lines of a file: the candidate (, \t ; |) that occurs
// outside quotes the same, non-zero number of times on most lines. Returns ',' when unsure.
char sniffCsvDelimiter(const std::string& path, size_t sampleBytes = 64 * 1024);

}  // namespace tunebench
