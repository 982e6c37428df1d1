#pragma once
// SHA-256 (FIPS 180-4) of bytes and files: artifact and dataset fingerprints. OpenSSL's EVP does
// the hashing (with the CPU's SHA instructions where it has them).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace tunebench {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  std::string hexDigest();  // finishes the hash; the object is spent afterwards

 private:
  evp_md_ctx_st* context_;
};

// Called after each block read with the bytes hashed so far and the file's size; returning false
// stops the hashing.
using HashProgress = std::function<bool(uint64_t done, uint64_t total)>;

std::string sha256Hex(std::string_view bytes);
// Throws tunebench::Error naming the file when it cannot be read.
std::string sha256OfFile(const std::string& path);
// The same, reporting progress; returns an empty string when `progress` returned false.
std::string sha256OfFile(const std::string& path, const HashProgress& progress);

}  // namespace tunebench
