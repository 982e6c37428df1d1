#include "data/LineReader.h"

#include <cstring>
#include <filesystem>

#include "common/Error.h"

namespace tunebench {

LineReader::LineReader(const std::string& path, size_t maxLineBytes, size_t bufferBytes)
    : path_(path), stream_(path, std::ios::binary), maxLineBytes_(maxLineBytes) {
  if (bufferBytes == 0) throw Error("the read buffer size must be at least 1 byte");
  if (!stream_) throw Error("cannot open " + path + " for reading");
  buffer_.resize(bufferBytes);
  std::error_code ec;
  fileSize_ = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ec) fileSize_ = 0;
}

bool LineReader::refill() {
  if (!stream_) return false;
  stream_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  pos_ = 0;
  end_ = static_cast<size_t>(stream_.gcount());
  return end_ > 0;
}

void LineReader::checkLength(size_t length) const {
  if (length > maxLineBytes_)
    throw Error(path_ + ": line " + std::to_string(lineNumber_) + ", column 1 (byte offset " +
                std::to_string(lineOffset_) + "): line longer than the limit of " +
                std::to_string(maxLineBytes_) + " bytes");
}

bool LineReader::next(std::string_view& line) {
  if (pos_ == end_ && !refill()) return false;
  if (skipLf_) {
    skipLf_ = false;
    if (buffer_[pos_] == '\n') {
      ++pos_;
      ++offset_;
      if (pos_ == end_ && !refill()) return false;
    }
  }
  lineOffset_ = offset_;
  ++lineNumber_;
  carry_.clear();
  bool carrying = false;
  while (true) {
    const char* begin = buffer_.data() + pos_;
    const size_t available = end_ - pos_;
    // memchr finds LF fast; a lone CR is rarer, so look for it only before that LF.
    const void* lf = std::memchr(begin, '\n', available);
    const size_t lfAt = lf ? static_cast<const char*>(lf) - begin : available;
    const void* cr = std::memchr(begin, '\r', lfAt);
    const size_t stop = cr ? static_cast<const char*>(cr) - begin : lfAt;
    if (stop < available) {
      pos_ += stop + 1;
      offset_ += static_cast<int64_t>(stop) + 1;
      if (cr) skipLf_ = true;
      if (carrying) {
        checkLength(carry_.size() + stop);
        carry_.append(begin, stop);
        line = carry_;
      } else {
        checkLength(stop);
        line = std::string_view(begin, stop);
      }
      return true;
    }
    checkLength(carry_.size() + available);
    carry_.append(begin, available);
    carrying = true;
    pos_ = end_;
    offset_ += static_cast<int64_t>(available);
    if (!refill()) {
      line = carry_;
      return true;
    }
  }
}

bool LineReader::next(std::string& line) {
  std::string_view view;
  if (!next(view)) {
    line.clear();
    return false;
  }
  line.assign(view);
  return true;
}

}  // namespace tunebench
