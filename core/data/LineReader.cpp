#include "data/LineReader.h"

#include <cstring>
#include <filesystem>

#include "common/Error.h"
#include "common/RegularFile.h"

namespace tunebench {

namespace {

// Checked before the stream opens it: opening a FIFO would block, /dev/zero has no line end.
const std::string& readablePath(const std::string& path) {
  if (const auto why = whyNotARegularFile(path); !why.empty())
    throw Error(path + ": cannot be opened: " + why);
  return path;
}

}  // namespace

LineReader::LineReader(const std::string& path, size_t maxLineBytes, size_t bufferBytes)
    : path_(readablePath(path)), stream_(path, std::ios::binary), maxLineBytes_(maxLineBytes) {
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

void LineReader::keep(const char* bytes, size_t size) {
  // Past the limit the rest of the line is read and dropped, so that reading can go on.
  if (tooLong_) return;
  if (carry_.size() + size > maxLineBytes_) {
    tooLong_ = true;
    carry_.clear();
    return;
  }
  carry_.append(bytes, size);
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
  tooLong_ = false;
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
        keep(begin, stop);
        line = carry_;
      } else {
        tooLong_ = stop > maxLineBytes_;
        line = tooLong_ ? std::string_view() : std::string_view(begin, stop);
      }
      return true;
    }
    keep(begin, available);
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
