#pragma once
// The pages of one column chunk: each page header decoded, its body checked against the chunk's
// bounds and decompressed (UNCOMPRESSED, SNAPPY, GZIP, ZSTD; other codecs are refused by name).
// Data page v2 bodies keep their level sections as stored and decompress only the values.
#include <cstddef>
#include <cstdint>
#include <string>

#include "builtin/parquet/ParquetMetadata.h"

namespace tunebench::parquet {

// No page may declare more than this many bytes, compressed or not.
constexpr size_t kMaxPageBytes = size_t(1) << 30;

// Decompresses `size` bytes into exactly `expectedSize` bytes of `out`; throws Error naming the
// codec and the problem (corrupt data, a size other than declared, a codec not supported).
void decompress(int32_t codec, const uint8_t* data, size_t size, size_t expectedSize,
                std::string& out);

// Throws Error when the codec cannot be read, before any page is.
void checkCodecSupported(int32_t codec);

struct Page {
  PageHeader header;
  // The page's bytes as written before compression: uncompressed_page_size bytes. For v2 data
  // pages: repetition levels, definition levels, then the values.
  std::string body;
  int64_t offset = 0;  // where the page header starts, in the file
};

class PageReader {
 public:
  // `chunk` holds the column chunk's bytes, which start at `fileOffset` in the file.
  PageReader(const uint8_t* chunk, size_t size, int64_t fileOffset, int32_t codec)
      : chunk_(chunk), size_(size), fileOffset_(fileOffset), codec_(codec) {}

  // Reads the next page; false at the end of the chunk.
  bool next(Page& page);
  size_t bytesRead() const { return position_; }

 private:
  const uint8_t* chunk_;
  size_t size_;
  int64_t fileOffset_;
  int32_t codec_;
  size_t position_ = 0;
};

}  // namespace tunebench::parquet
