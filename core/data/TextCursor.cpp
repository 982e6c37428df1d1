#include "data/TextCursor.h"

#include <filesystem>

#include "common/Error.h"

namespace tunebench {

TextCursor::TextCursor(const std::string& path, size_t bufferBytes)
    : path_(path), stream_(path, std::ios::binary) {
  if (bufferBytes == 0) throw Error("the read buffer size must be at least 1 byte");
  if (!stream_) throw Error("cannot open " + path + " for reading");
  buffer_.resize(bufferBytes);
  std::error_code ec;
  fileSize_ = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ec) fileSize_ = 0;
  // A UTF-8 byte order mark is no character: it moves the offset, not the column.
  if (peek() == 0xEF && pos_ + 2 < end_ && static_cast<unsigned char>(buffer_[pos_ + 1]) == 0xBB &&
      static_cast<unsigned char>(buffer_[pos_ + 2]) == 0xBF) {
    pos_ += 3;
    position_.offset = 3;
  } else if (peek() == 0xEF && bufferBytes < 3) {
    skipSmallBufferBom();
  }
}

void TextCursor::skipSmallBufferBom() {
  // With a tiny buffer the mark spans reads; look at it through a fresh stream instead.
  std::ifstream probe(path_, std::ios::binary);
  char mark[3] = {};
  if (!probe.read(mark, 3) || std::string(mark, 3) != "\xEF\xBB\xBF") return;
  for (int i = 0; i < 3; ++i) {
    if (pos_ == end_) refill();
    ++pos_;
  }
  position_.offset = 3;
}

bool TextCursor::refill() {
  if (!stream_) return false;
  stream_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<size_t>(stream_.gcount());
  return end_ > 0;
}

int TextCursor::track(unsigned char byte) {
  checkUtf8(byte);
  if (byte == '\n') {
    if (!afterCr_) ++position_.line;
    position_.column = 1;
    afterCr_ = false;
  } else if (byte == '\r') {
    ++position_.line;
    position_.column = 1;
    afterCr_ = true;
  } else {
    if ((byte & 0xC0) != 0x80) ++position_.column;
    afterCr_ = false;
  }
  ++position_.offset;
  return byte;
}

void TextCursor::reachedEnd() {
  // A multi-byte sequence cut short by the end of the file.
  if (pending_ > 0 && !badUtf8_) {
    badUtf8_ = true;
    badUtf8Position_ = sequenceStart_;
  }
  pending_ = 0;
}

void TextCursor::seek(const TextPosition& position) {
  stream_.clear();
  stream_.seekg(static_cast<std::streamoff>(position.offset));
  pos_ = end_ = 0;
  position_ = position;
  afterCr_ = false;
  badUtf8_ = false;
  pending_ = 0;
}

void TextCursor::clearInvalidUtf8() {
  badUtf8_ = false;
  pending_ = 0;
}

void TextCursor::checkUtf8(unsigned char byte) {
  if (pending_ > 0) {
    if (byte >= nextLow_ && byte <= nextHigh_) {
      --pending_;
      nextLow_ = 0x80;
      nextHigh_ = 0xBF;
      return;
    }
    if (!badUtf8_) {
      badUtf8_ = true;
      badUtf8Position_ = sequenceStart_;
    }
    pending_ = 0;
    // The byte that broke the sequence starts afresh below.
  }
  if (byte < 0x80) return;
  sequenceStart_ = position_;
  nextLow_ = 0x80;
  nextHigh_ = 0xBF;
  // Ranges from the Unicode standard's table of well-formed byte sequences: they exclude
  // overlong forms, surrogates and code points above U+10FFFF.
  if (byte >= 0xC2 && byte <= 0xDF) {
    pending_ = 1;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    pending_ = 2;
    if (byte == 0xE0) nextLow_ = 0xA0;
    if (byte == 0xED) nextHigh_ = 0x9F;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    pending_ = 3;
    if (byte == 0xF0) nextLow_ = 0x90;
    if (byte == 0xF4) nextHigh_ = 0x8F;
  } else if (!badUtf8_) {
    badUtf8_ = true;
    badUtf8Position_ = position_;
  }
}

}  // namespace tunebench
