#include "common/Sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "common/Error.h"

namespace tunebench {

namespace {

// Fetched once: an implicit fetch on every init would look the algorithm up again each time.
const EVP_MD* sha256Algorithm() {
  static EVP_MD* algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!algorithm) throw Error("OpenSSL offers no SHA-256 (is libcrypto installed completely?)");
  return algorithm;
}

constexpr size_t kReadBlock = size_t(1) << 20;

class FileDescriptor {
 public:
  explicit FileDescriptor(const std::string& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  if (!context_ || EVP_DigestInit_ex(context_, sha256Algorithm(), nullptr) != 1) {
    EVP_MD_CTX_free(context_);
    throw Error("OpenSSL could not start a SHA-256 hash (out of memory?)");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(context_);
}

Sha256::Sha256(Sha256&& other) noexcept : context_(other.context_) {
  other.context_ = nullptr;
}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(context_);
    context_ = other.context_;
    other.context_ = nullptr;
  }
  return *this;
}

void Sha256::update(const void* data, size_t size) {
  if (!context_) throw Error("SHA-256: update after the hash was moved away");
  if (size > 0 && EVP_DigestUpdate(context_, data, size) != 1)
    throw Error("OpenSSL failed to hash " + std::to_string(size) + " bytes");
}

std::string Sha256::hexDigest() {
  if (!context_) throw Error("SHA-256: digest of a hash that was moved away");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_, digest, &length) != 1 || length != 32)
    throw Error("OpenSSL failed to finish a SHA-256 hash");
  static const char* hex = "0123456789abcdef";
  std::string text(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    text[2 * i] = hex[digest[i] >> 4];
    text[2 * i + 1] = hex[digest[i] & 0xf];
  }
  return text;
}

std::string sha256Hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hexDigest();
}

std::string sha256OfFile(const std::string& path) {
  return sha256OfFile(path, {});
}

std::string sha256OfFile(const std::string& path, const HashProgress& progress) {
  const FileDescriptor file(path);
  struct stat info {};
  if (file.get() < 0 || ::fstat(file.get(), &info) != 0)
    throw Error("cannot read " + path + " to fingerprint it: " + std::strerror(errno));
  ::posix_fadvise(file.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  const auto total = static_cast<uint64_t>(info.st_size);
  Sha256 hash;
  std::vector<char> buffer(kReadBlock);
  uint64_t done = 0;
  if (progress && !progress(done, total)) return {};
  for (;;) {
    const ssize_t got = ::read(file.get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw Error("cannot read " + path + " to fingerprint it: " + std::strerror(errno));
    if (got == 0) break;
    hash.update(buffer.data(), static_cast<size_t>(got));
    done += static_cast<uint64_t>(got);
    if (progress && !progress(done, total)) return {};
  }
  return hash.hexDigest();
}

}  // namespace tunebench
