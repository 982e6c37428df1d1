#pragma once
// A read-only memory map of a whole file. Shared so that tensors viewing it keep it alive.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tunebench {

class MappedFile {
 public:
  // Throws tunebench::Error naming the file when it cannot be opened or mapped.
  static std::shared_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return data_; }
  uint64_t size() const { return size_; }
  std::string_view view() const { return {data_, static_cast<size_t>(size_)}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  std::string path_;
  const char* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace tunebench
