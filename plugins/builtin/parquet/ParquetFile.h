#pragma once
// A Parquet file opened for reading: its size, its footer (checked magic, FileMetaData and the
// schema tree built from it) and reads of byte ranges. Errors name the file.
#include <cstdint>
#include <string>

#include "builtin/parquet/ParquetMetadata.h"
#include "builtin/parquet/ParquetSchema.h"

namespace tunebench::parquet {

// A footer larger than this is refused (real ones take kilobytes to a few megabytes).
constexpr int64_t kMaxFooterBytes = int64_t(256) << 20;

class ParquetFile {
 public:
  // Throws Error "path: problem" for a file that is missing, not regular, too short, without the
  // PAR1 magic at both ends, encrypted, or whose footer cannot be decoded.
  explicit ParquetFile(std::string path);
  ~ParquetFile();
  ParquetFile(const ParquetFile&) = delete;
  ParquetFile& operator=(const ParquetFile&) = delete;

  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  const FileMetaData& metadata() const { return metadata_; }
  const Schema& schema() const { return schema_; }

  // The bytes [offset, offset + length); throws Error when they are not all in the file.
  std::string read(int64_t offset, int64_t length) const;

 private:
  std::string path_;
  int fd_ = -1;
  int64_t size_ = 0;
  FileMetaData metadata_;
  Schema schema_;
};

}  // namespace tunebench::parquet
