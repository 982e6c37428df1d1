#include "data/LineReader.h"

#include <filesystem>

#include "common/Error.h"

namespace tunebench {

LineReader::LineReader(const std::string& path, size_t maxLineBytes)
    : path_(path), stream_(path, std::ios::binary), maxLineBytes_(maxLineBytes) {
  if (!stream_) throw Error("cannot open " + path + " for reading");
  std::error_code ec;
  fileSize_ = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  if (ec) fileSize_ = 0;
}

int LineReader::get() {
  const int c = stream_.get();
  if (c != std::char_traits<char>::eof()) ++offset_;
  return c;
}

bool LineReader::next(std::string& line) {
  line.clear();
  const auto eof = std::char_traits<char>::eof();
  if (stream_.peek() == eof) return false;
  lineOffset_ = offset_;
  ++lineNumber_;
  for (int c = get(); c != eof; c = get()) {
    if (c == '\n') return true;
    if (c == '\r') {
      if (stream_.peek() == '\n') get();
      return true;
    }
    if (line.size() >= maxLineBytes_)
      throw Error(path_ + ": line " + std::to_string(lineNumber_) + " (byte offset " +
                  std::to_string(lineOffset_) + ") is longer than the limit of " +
                  std::to_string(maxLineBytes_) + " bytes");
    line.push_back(static_cast<char>(c));
  }
  return true;
}

}  // namespace tunebench
