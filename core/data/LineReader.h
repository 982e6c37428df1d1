#pragma once
// Streams a text file line by line with line numbers and byte offsets, never holding the whole
// file. Accepts LF, CRLF and lone CR line ends; refuses lines longer than a limit.
#include <cstdint>
#include <fstream>
#include <string>

namespace tunebench {

class LineReader {
 public:
  // Throws tunebench::Error when the file cannot be opened.
  LineReader(const std::string& path, size_t maxLineBytes);

  // Reads the next line (without its line end) into `line`; false at the end of the file.
  // Throws tunebench::Error naming the file and line when a line exceeds the limit.
  bool next(std::string& line);

  int64_t lineNumber() const { return lineNumber_; }          // of the line last read, 1-based
  int64_t lineOffset() const { return lineOffset_; }          // its byte offset
  int64_t bytesRead() const { return offset_; }
  int64_t fileSize() const { return fileSize_; }
  const std::string& path() const { return path_; }

 private:
  int get();
  std::string path_;
  std::ifstream stream_;
  size_t maxLineBytes_;
  int64_t lineNumber_ = 0;
  int64_t lineOffset_ = 0;
  int64_t offset_ = 0;
  int64_t fileSize_ = 0;
};

}  // namespace tunebench
