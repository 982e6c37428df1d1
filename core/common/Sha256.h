#pragma once
// SHA-256 (FIPS 180-4) of bytes and files: artifact and dataset fingerprints.
#include <cstdint>
#include <string>
#include <string_view>

namespace tunebench {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  std::string hexDigest();  // finishes the hash; the object is spent afterwards

 private:
  void compress(const uint8_t* block);
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t totalBytes_ = 0;
};

std::string sha256Hex(std::string_view bytes);
// Throws tunebench::Error naming the file when it cannot be read.
std::string sha256OfFile(const std::string& path);

}  // namespace tunebench
