#include "builtin/parquet/ParquetFile.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/Error.h"
#include "common/RegularFile.h"

namespace tunebench::parquet {

ParquetFile::ParquetFile(std::string path) : path_(std::move(path)) {
  if (const std::string why = whyNotARegularFile(path_); !why.empty())
    throw Error(path_ + ": " + why);
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(path_ + ": cannot open: " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd_);
    throw Error(path_ + ": not a regular file");
  }
  size_ = info.st_size;
  try {
    // "PAR1", the data, the footer, its 4-byte length, "PAR1".
    if (size_ < 12)
      throw Error("file of " + std::to_string(size_) +
                  " bytes is too short to be Parquet (truncated?)");
    const std::string head = read(0, 4);
    const std::string tail = read(size_ - 8, 8);
    if (tail.compare(4, 4, "PARE") == 0) throw Error("encrypted Parquet files are not supported");
    if (head != "PAR1" || tail.compare(4, 4, "PAR1") != 0)
      throw Error("not a Parquet file: the PAR1 magic is missing at its " +
                  std::string(head != "PAR1" ? "start" : "end") +
                  " (truncated or another format?)");
    uint32_t footerLength;
    std::memcpy(&footerLength, tail.data(), 4);
    if (footerLength > size_ - 12)
      throw Error("footer length " + std::to_string(footerLength) + " is beyond the file's " +
                  std::to_string(size_) + " bytes (truncated?)");
    if (footerLength > kMaxFooterBytes)
      throw Error("footer of " + std::to_string(footerLength) + " bytes is larger than the limit");
    const std::string footer = read(size_ - 8 - footerLength, footerLength);
    try {
      metadata_ = parseFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()), footer.size());
      schema_ = buildSchema(metadata_.schema);
    } catch (const Error& e) {
      throw Error(std::string("footer: ") + e.what());
    }
  } catch (const Error& e) {
    ::close(fd_);
    fd_ = -1;
    throw Error(path_ + ": " + e.what());
  }
}

ParquetFile::~ParquetFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ParquetFile::read(int64_t offset, int64_t length) const {
  if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset)
    throw Error("bytes " + std::to_string(offset) + " to " + std::to_string(offset + length) +
                " lie beyond the end of the file (" + std::to_string(size_) + " bytes)");
  std::string bytes(static_cast<size_t>(length), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t got = ::pread(fd_, &bytes[done], bytes.size() - done,
                                static_cast<off_t>(offset + static_cast<int64_t>(done)));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error(std::string("cannot read: ") + std::strerror(errno));
    if (got == 0) throw Error("the file ended early (was it truncated while reading?)");
    done += static_cast<size_t>(got);
  }
  return bytes;
}

}  // namespace tunebench::parquet
