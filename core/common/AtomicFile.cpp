#include "common/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <streambuf>
#include <string>
#include <vector>

#include "common/Error.h"

namespace tunebench {

namespace fs = std::filesystem;

namespace {

// An output stream buffer over a file descriptor that remembers the first write error's errno,
// so the message can say "No space left on device" rather than "write failed". After an error
// it discards what follows and still reports success: writers such as LibTorch's archive abort
// the process when a stream fails under them (their destructors throw), so the failure is
// reported once the writer has returned.
class DescriptorBuffer : public std::streambuf {
 public:
  explicit DescriptorBuffer(int fd) : fd_(fd), buffer_(1 << 20) {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  int error() const { return error_; }

 protected:
  int_type overflow(int_type ch) override {
    drain();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* data, std::streamsize size) override {
    if (size < static_cast<std::streamsize>(buffer_.size()))
      return std::streambuf::xsputn(data, size);
    // Large blocks (tensor data) go straight to the file.
    drain();
    writeAll(data, static_cast<size_t>(size));
    return size;
  }
  int sync() override {
    drain();
    return 0;
  }

 private:
  void drain() {
    const size_t pending = static_cast<size_t>(pptr() - pbase());
    if (pending > 0) writeAll(pbase(), pending);
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }
  void writeAll(const char* data, size_t size) {
    while (size > 0 && !error_) {
      const ssize_t wrote = ::write(fd_, data, size);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) {
        error_ = wrote < 0 ? errno : ENOSPC;
        return;
      }
      data += wrote;
      size -= static_cast<size_t>(wrote);
    }
  }

  int fd_;
  std::vector<char> buffer_;
  int error_ = 0;
};

// A name beside `path`, unique per process and call: two writers never share a temporary.
fs::path temporaryBeside(const fs::path& path) {
  static std::atomic<uint64_t> serial{0};
  fs::path temporary = path;
  temporary += ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
  return temporary;
}

Error writeFailure(const fs::path& path, const std::string& what, int error) {
  std::string text = "cannot write " + path.string();
  if (!what.empty()) text += ": " + what;
  if (error) text += std::string(": ") + std::strerror(error);
  return Error(text);
}

}  // namespace

void syncPath(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void writeFileAtomically(const fs::path& path, const StreamWriter& write) {
  const fs::path temporary = temporaryBeside(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw writeFailure(path, "cannot create " + temporary.filename().string(), errno);
  auto abandon = [&] {
    ::close(fd);
    ::unlink(temporary.c_str());
  };
  DescriptorBuffer buffer(fd);
  std::ostream out(&buffer);
  try {
    write(out);
    out.flush();
  } catch (...) {
    const int error = buffer.error();
    abandon();
    if (error) throw writeFailure(path, "", error);
    throw;
  }
  if (!out || buffer.error()) {
    const int error = buffer.error();
    abandon();
    throw writeFailure(path, "", error);
  }
  if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    const int error = errno;
    abandon();
    throw writeFailure(path, "cannot flush it to disk", error);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw writeFailure(path, "cannot finish it", error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw writeFailure(path, "cannot replace it", error);
  }
  syncPath(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

void writeFileAtomically(const fs::path& path, std::string_view contents) {
  writeFileAtomically(path, [&](std::ostream& out) {
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  });
}

void publishFolder(const fs::path& assembled, const fs::path& destination) {
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(assembled, ec))
    if (entry.is_regular_file(ec)) syncPath(entry.path());
  syncPath(assembled);
  ec.clear();
  fs::rename(assembled, destination, ec);
  if (ec)
    throw Error("cannot move " + assembled.string() + " to " + destination.string() + ": " +
                ec.message());
  syncPath(destination.parent_path().empty() ? fs::path(".") : destination.parent_path());
}

void writeFolderAtomically(const fs::path& destination,
                           const std::function<void(const fs::path& folder)>& fill) {
  const fs::path partial = destination.string() + ".partial";
  const fs::path old = destination.string() + ".old";
  std::error_code ec;
  fs::remove_all(partial, ec);
  fs::create_directories(partial, ec);
  if (ec) throw Error("cannot create " + partial.string() + ": " + ec.message());
  try {
    fill(partial);
    std::error_code ignored;
    for (const auto& entry : fs::recursive_directory_iterator(partial, ignored))
      if (entry.is_regular_file(ignored)) syncPath(entry.path());
    syncPath(partial);
    fs::remove_all(old, ignored);
    if (fs::exists(destination, ignored)) fs::rename(destination, old);
    fs::rename(partial, destination);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(partial, ec);
    throw Error("cannot put " + destination.string() + " in place: " + e.code().message());
  } catch (...) {
    fs::remove_all(partial, ec);
    throw;
  }
  syncPath(destination.parent_path().empty() ? fs::path(".") : destination.parent_path());
  fs::remove_all(old, ec);
}

}  // namespace tunebench
