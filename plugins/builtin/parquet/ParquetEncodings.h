#pragma once
// Decoders of Parquet's encodings (Encodings.md in apache/parquet-format), each reading lazily
// from a byte range it never leaves: the RLE/bit-packed hybrid (levels, dictionary indices,
// booleans), PLAIN, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT. Running out of data or a malformed header throws tunebench::Error.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "builtin/parquet/ParquetMetadata.h"

namespace tunebench::parquet {

// The number of bits needed to store values up to maxValue.
int bitWidthFor(uint32_t maxValue);

// The RLE/bit-packed hybrid without its length prefix; values of bitWidth (0..32) bits.
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bitWidth);
  uint32_t next();

 private:
  void nextRun();

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
  int bitWidth_;
  bool packed_ = false;
  uint64_t left_ = 0;      // values left in the current run
  uint32_t repeated_ = 0;  // an RLE run's value
  const uint8_t* packedData_ = nullptr;
  uint64_t packedIndex_ = 0;  // next value of a bit-packed run
};

// DELTA_BINARY_PACKED: a header, then blocks of miniblocks of bit-packed deltas.
class DeltaBinaryPackedDecoder {
 public:
  DeltaBinaryPackedDecoder(const uint8_t* data, size_t size);
  uint64_t count() const { return total_; }
  int64_t next();
  // Where the encoded values end (reads through all values left; call on a spare decoder).
  size_t end();

 private:
  uint64_t readVarint();
  void nextMiniblock();

  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
  uint64_t blockSize_ = 0, miniblocks_ = 0, perMiniblock_ = 0, total_ = 0;
  uint64_t returned_ = 0;
  uint64_t last_ = 0;
  uint64_t minDelta_ = 0;
  uint64_t miniblock_ = 0;  // index within the block; miniblocks_ when a new block starts
  size_t bitWidthsAt_ = 0;
  int bitWidth_ = 0;
  const uint8_t* miniblockData_ = nullptr;
  uint64_t inMiniblock_ = 0;  // values read from the current miniblock
  size_t end_ = 0;            // end of the last miniblock started
};

// One value as stored: integers (INT32 sign-extended, BOOLEAN as 0 or 1), floating point, or
// bytes, which stay valid until the decoder's next call.
struct RawValue {
  int64_t integer = 0;
  double real = 0;
  std::string_view bytes;
};

class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  virtual void next(RawValue& value) = 0;
};

// A decoder of the values section of a data page or of a dictionary page. typeLength is the
// FIXED_LEN_BYTE_ARRAY width. Throws Error for an encoding the type cannot have or that the
// reader does not know.
std::unique_ptr<ValueDecoder> makeValueDecoder(int32_t encoding, PhysicalType type,
                                               int32_t typeLength, const uint8_t* data,
                                               size_t size);

}  // namespace tunebench::parquet
