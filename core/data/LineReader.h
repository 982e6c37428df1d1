#pragma once
// Streams a text file line by line with line numbers and byte offsets, never holding the whole
// file. Accepts LF, CRLF and lone CR line ends; a line longer than a limit is read past and
// flagged. Reads through a buffer of any size (1 byte upwards) with identical results.
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

class LineReader {
 public:
  static constexpr size_t kDefaultBufferBytes = 1u << 20;

  // Throws tunebench::Error when the file cannot be opened.
  LineReader(const std::string& path, size_t maxLineBytes,
             size_t bufferBytes = kDefaultBufferBytes);

  // Reads the next line (without its line end); false at the end of the file. The view stays
  // valid until the next call. Throws tunebench::Error naming the file and line when a line
  // exceeds the limit.
  bool next(std::string_view& line);
  bool next(std::string& line);

  bool lineTooLong() const { return tooLong_; }
  size_t maxLineBytes() const { return maxLineBytes_; }
  int64_t lineNumber() const { return lineNumber_; }  // of the line last read, 1-based
  int64_t lineOffset() const { return lineOffset_; }  // its byte offset
  int64_t bytesRead() const { return offset_; }
  int64_t fileSize() const { return fileSize_; }
  const std::string& path() const { return path_; }

 private:
  bool refill();
  void keep(const char* bytes, size_t size);
  std::string path_;
  std::ifstream stream_;
  size_t maxLineBytes_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  std::string carry_;  // a line that spans buffer refills
  bool skipLf_ = false;
  bool tooLong_ = false;  // the line last read was over the limit  // the previous line ended with
                          // CR: a following LF belongs to it
  int64_t lineNumber_ = 0;
  int64_t lineOffset_ = 0;
  int64_t offset_ = 0;  // of the next unread byte
  int64_t fileSize_ = 0;
};

}  // namespace tunebench
