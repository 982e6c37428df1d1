#pragma once
// SHA-256 (FIPS 180-4) for fingerprints of files the project references. Incremental, so that
// large files are hashed in chunks with progress.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tunebench {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  // The digest as 64 lowercase hex digits; the object must not be updated afterwards.
  std::string hexDigest();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t totalBytes_ = 0;
};

}  // namespace tunebench
