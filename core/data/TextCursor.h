#pragma once
// Reads a file byte by byte through a fixed-size buffer while tracking the 1-based line, the
// 1-based character column and the byte offset of the next byte. LF, CRLF and lone CR end a line.
// It also validates UTF-8 as it goes, so that a parser learns the exact position of a bad
// sequence. A leading byte order mark is skipped. Results never depend on the buffer size.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace tunebench {

struct TextPosition {
  int64_t line = 1;
  int64_t column = 1;  // counted in characters (UTF-8 code points), not bytes
  int64_t offset = 0;
};

class TextCursor {
 public:
  static constexpr size_t kDefaultBufferBytes = 1u << 20;

  // Throws tunebench::Error when the file cannot be opened or bufferBytes is 0.
  TextCursor(const std::string& path, size_t bufferBytes = kDefaultBufferBytes);

  // The next byte (0..255) without consuming it, or -1 at the end of the file.
  int peek() {
    if (pos_ == end_ && !refill()) {
      reachedEnd();
      return -1;
    }
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  // Consumes and returns the next byte, or -1 at the end of the file.
  int get() {
    if (pos_ == end_ && !refill()) {
      reachedEnd();
      return -1;
    }
    const auto byte = static_cast<unsigned char>(buffer_[pos_++]);
    // Plain ASCII outside a multi-byte sequence is most of any file: keep it inline.
    if (byte >= 0x20 && byte < 0x80 && pending_ == 0) {
      ++position_.column;
      ++position_.offset;
      afterCr_ = false;
      return byte;
    }
    return track(byte);
  }

  // Where the next byte is.
  const TextPosition& position() const { return position_; }
  // True once a byte broke UTF-8; badUtf8Position() is where the broken sequence starts.
  bool sawInvalidUtf8() const { return badUtf8_; }
  const TextPosition& badUtf8Position() const { return badUtf8Position_; }
  // Forgets a reported UTF-8 error so that reading can go on (skipping bad rows).
  void clearInvalidUtf8();
  // Reads on from a position seen earlier (the start of a line), e.g. after a record that turned
  // out malformed only at the end of the file. UTF-8 checking restarts there.
  void seek(const TextPosition& position);

  int64_t fileSize() const { return fileSize_; }
  const std::string& path() const { return path_; }

 private:
  bool refill();
  void reachedEnd();
  int track(unsigned char byte);
  void skipSmallBufferBom();
  void checkUtf8(unsigned char byte);

  std::string path_;
  std::ifstream stream_;
  std::vector<char> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  int64_t fileSize_ = 0;
  TextPosition position_;
  bool afterCr_ = false;
  // UTF-8 validation state: continuation bytes still expected and the allowed range of the next.
  int pending_ = 0;
  unsigned char nextLow_ = 0x80;
  unsigned char nextHigh_ = 0xBF;
  TextPosition sequenceStart_;
  bool badUtf8_ = false;
  TextPosition badUtf8Position_;
};

}  // namespace tunebench
