#include "builtin/parquet/ParquetEncodings.h"

#include <cstring>

#include "common/Error.h"

namespace tunebench::parquet {

namespace {

// `width` (0..64) bits starting at bit `offset` of data, least significant bit first.
uint64_t readBits(const uint8_t* data, uint64_t offset, int width) {
  uint64_t value = 0;
  int got = 0;
  while (got < width) {
    const uint64_t at = offset + static_cast<uint64_t>(got);
    const int shift = static_cast<int>(at & 7);
    const int take = std::min(8 - shift, width - got);
    value |= static_cast<uint64_t>((data[at >> 3] >> shift) & ((1u << take) - 1)) << got;
    got += take;
  }
  return value;
}

uint64_t readVarintAt(const uint8_t* data, size_t size, size_t& position, const char* what) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (position >= size) throw Error(std::string(what) + " cut short");
    const uint8_t byte = data[position++];
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return value;
  }
  throw Error(std::string(what) + " has a varint longer than 64 bits");
}

uint64_t zigzag(uint64_t value) {
  return (value >> 1) ^ (~(value & 1) + 1);
}

template <typename T>
T loadLittleEndian(const uint8_t* data) {
  T value;
  std::memcpy(&value, data, sizeof value);  // Parquet is little endian, as are the targets
  return value;
}

size_t fixedWidth(PhysicalType type, int32_t typeLength) {
  switch (type) {
    case PhysicalType::Int32:
    case PhysicalType::Float:
      return 4;
    case PhysicalType::Int64:
    case PhysicalType::Double:
      return 8;
    case PhysicalType::FixedLenByteArray:
      return static_cast<size_t>(typeLength);
    default:
      return 0;
  }
}

void setFixed(PhysicalType type, const uint8_t* data, size_t width, RawValue& value) {
  switch (type) {
    case PhysicalType::Int32:
      value.integer = loadLittleEndian<int32_t>(data);
      break;
    case PhysicalType::Int64:
      value.integer = loadLittleEndian<int64_t>(data);
      break;
    case PhysicalType::Float:
      value.real = loadLittleEndian<float>(data);
      break;
    case PhysicalType::Double:
      value.real = loadLittleEndian<double>(data);
      break;
    default:
      value.bytes = std::string_view(reinterpret_cast<const char*>(data), width);
  }
}

class PlainDecoder : public ValueDecoder {
 public:
  PlainDecoder(PhysicalType type, int32_t typeLength, const uint8_t* data, size_t size)
      : type_(type), width_(fixedWidth(type, typeLength)), data_(data), size_(size) {}

  void next(RawValue& value) override {
    if (type_ == PhysicalType::Boolean) {
      if (bit_ >= uint64_t(size_) * 8) throw Error("PLAIN booleans run out");
      value.integer = (data_[bit_ >> 3] >> (bit_ & 7)) & 1;
      ++bit_;
      return;
    }
    if (type_ == PhysicalType::ByteArray) {
      if (size_ - position_ < 4) throw Error("PLAIN values run out");
      const uint32_t length = loadLittleEndian<uint32_t>(data_ + position_);
      position_ += 4;
      if (length > size_ - position_)
        throw Error("PLAIN byte array of " + std::to_string(length) +
                    " bytes runs past the end of its page");
      value.bytes = std::string_view(reinterpret_cast<const char*>(data_ + position_), length);
      position_ += length;
      return;
    }
    if (size_ - position_ < width_) throw Error("PLAIN values run out");
    setFixed(type_, data_ + position_, width_, value);
    position_ += width_;
  }

 private:
  PhysicalType type_;
  size_t width_;
  const uint8_t* data_;
  size_t size_;
  size_t position_ = 0;
  uint64_t bit_ = 0;
};

// BOOLEAN with the RLE encoding: a 4-byte length, then the hybrid with bit width 1.
class RleBooleanDecoder : public ValueDecoder {
 public:
  RleBooleanDecoder(const uint8_t* data, size_t size)
      : rle_(data + std::min<size_t>(4, size), prefixedLength(data, size), 1) {}
  void next(RawValue& value) override { value.integer = rle_.next() & 1; }

 private:
  static size_t prefixedLength(const uint8_t* data, size_t size) {
    if (size < 4) throw Error("RLE booleans lack their length");
    const uint32_t length = loadLittleEndian<uint32_t>(data);
    if (length > size - 4) throw Error("RLE booleans run past the end of their page");
    return length;
  }
  RleBitPackedDecoder rle_;
};

class DeltaIntegerDecoder : public ValueDecoder {
 public:
  DeltaIntegerDecoder(PhysicalType type, const uint8_t* data, size_t size)
      : int32_(type == PhysicalType::Int32), delta_(data, size) {}
  void next(RawValue& value) override {
    const int64_t v = delta_.next();
    value.integer = int32_ ? static_cast<int32_t>(static_cast<uint32_t>(v)) : v;
  }

 private:
  bool int32_;
  DeltaBinaryPackedDecoder delta_;
};

size_t deltaEnd(const uint8_t* data, size_t size) {
  DeltaBinaryPackedDecoder spare(data, size);
  return spare.end();
}

int64_t checkedLength(int64_t length, const char* what) {
  if (length < 0) throw Error(std::string(what) + " has a negative length");
  return length;
}

// Lengths delta-encoded, then the bytes one after another.
class DeltaLengthDecoder : public ValueDecoder {
 public:
  DeltaLengthDecoder(const uint8_t* data, size_t size)
      : lengths_(data, size),
        bytes_(data + deltaEnd(data, size)),
        size_(size - deltaEnd(data, size)) {}
  void next(RawValue& value) override {
    const auto length =
        static_cast<uint64_t>(checkedLength(lengths_.next(), "DELTA_LENGTH_BYTE_ARRAY value"));
    if (length > size_ - position_)
      throw Error("DELTA_LENGTH_BYTE_ARRAY value runs past the end of its page");
    value.bytes = std::string_view(reinterpret_cast<const char*>(bytes_ + position_), length);
    position_ += length;
  }

 private:
  DeltaBinaryPackedDecoder lengths_;
  const uint8_t* bytes_;
  size_t size_;
  size_t position_ = 0;
};

// Each value: a prefix of the previous one (delta-encoded lengths), then a suffix
// (DELTA_LENGTH_BYTE_ARRAY).
class DeltaByteArrayDecoder : public ValueDecoder {
 public:
  DeltaByteArrayDecoder(const uint8_t* data, size_t size)
      : prefixes_(data, size),
        suffixesAt_(deltaEnd(data, size)),
        suffixes_(data + suffixesAt_, size - suffixesAt_) {}
  void next(RawValue& value) override {
    const auto prefix =
        static_cast<uint64_t>(checkedLength(prefixes_.next(), "DELTA_BYTE_ARRAY prefix"));
    if (prefix > current_.size())
      throw Error("DELTA_BYTE_ARRAY prefix of " + std::to_string(prefix) +
                  " bytes is longer than the previous value");
    RawValue suffix;
    suffixes_.next(suffix);
    current_.resize(prefix);
    current_.append(suffix.bytes);
    value.bytes = current_;
  }

 private:
  DeltaBinaryPackedDecoder prefixes_;
  size_t suffixesAt_;
  DeltaLengthDecoder suffixes_;
  std::string current_;
};

// Byte k of every value, then byte k+1 of every value, ...
class ByteStreamSplitDecoder : public ValueDecoder {
 public:
  ByteStreamSplitDecoder(PhysicalType type, int32_t typeLength, const uint8_t* data, size_t size)
      : type_(type), width_(fixedWidth(type, typeLength)), data_(data) {
    if (width_ == 0 || size % width_ != 0 || (size > 0 && width_ > size))
      throw Error("BYTE_STREAM_SPLIT data of " + std::to_string(size) +
                  " bytes is not a whole number of values");
    count_ = size / width_;
    if (count_ > 0) value_.resize(width_);
  }
  void next(RawValue& value) override {
    if (index_ >= count_) throw Error("BYTE_STREAM_SPLIT values run out");
    for (size_t k = 0; k < width_; ++k) value_[k] = data_[k * count_ + index_];
    ++index_;
    setFixed(type_, value_.data(), width_, value);
  }

 private:
  PhysicalType type_;
  size_t width_;
  const uint8_t* data_;
  size_t count_ = 0;
  size_t index_ = 0;
  std::basic_string<uint8_t> value_;
};

}  // namespace

int bitWidthFor(uint32_t maxValue) {
  int width = 0;
  while (width < 32 && (maxValue >> width) != 0) ++width;
  return width;
}

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* data, size_t size, int bitWidth)
    : data_(data), size_(size), bitWidth_(bitWidth) {
  if (bitWidth < 0 || bitWidth > 32)
    throw Error("RLE bit width " + std::to_string(bitWidth) + " is out of range");
}

void RleBitPackedDecoder::nextRun() {
  while (left_ == 0) {
    const uint64_t header = readVarintAt(data_, size_, position_, "RLE data");
    const uint64_t count = header >> 1;
    if (count > (uint64_t(1) << 40)) throw Error("RLE run is too long");
    if (header & 1) {
      // count groups of 8 values; a last run cut short keeps the values it holds.
      const uint64_t bytes = count * static_cast<uint64_t>(bitWidth_);
      const uint64_t available = std::min<uint64_t>(bytes, size_ - position_);
      left_ = bitWidth_ == 0 ? count * 8 : available * 8 / static_cast<uint64_t>(bitWidth_);
      if (left_ == 0 && count > 0) throw Error("RLE data runs out");
      packed_ = true;
      packedData_ = data_ + position_;
      packedIndex_ = 0;
      position_ += available;
    } else {
      const size_t bytes = (static_cast<size_t>(bitWidth_) + 7) / 8;
      if (size_ - position_ < bytes) throw Error("RLE run cut short");
      uint32_t value = 0;
      for (size_t i = 0; i < bytes; ++i) value |= uint32_t(data_[position_ + i]) << (8 * i);
      position_ += bytes;
      if (bitWidth_ < 32 && (value >> bitWidth_) != 0)
        throw Error("RLE run value " + std::to_string(value) + " is wider than " +
                    std::to_string(bitWidth_) + " bits");
      packed_ = false;
      repeated_ = value;
      left_ = count;
    }
  }
}

uint32_t RleBitPackedDecoder::next() {
  if (left_ == 0) nextRun();
  --left_;
  if (!packed_) return repeated_;
  const uint64_t offset = packedIndex_++ * static_cast<uint64_t>(bitWidth_);
  return static_cast<uint32_t>(readBits(packedData_, offset, bitWidth_));
}

DeltaBinaryPackedDecoder::DeltaBinaryPackedDecoder(const uint8_t* data, size_t size)
    : data_(data), size_(size) {
  blockSize_ = readVarint();
  miniblocks_ = readVarint();
  total_ = readVarint();
  last_ = zigzag(readVarint());
  if (blockSize_ == 0 || miniblocks_ == 0 || blockSize_ % miniblocks_ != 0 ||
      (blockSize_ / miniblocks_) % 8 != 0 || blockSize_ > (1u << 20))
    throw Error("DELTA_BINARY_PACKED header has a block of " + std::to_string(blockSize_) +
                " values in " + std::to_string(miniblocks_) + " miniblocks");
  perMiniblock_ = blockSize_ / miniblocks_;
  miniblock_ = miniblocks_;
  end_ = position_;
}

uint64_t DeltaBinaryPackedDecoder::readVarint() {
  return readVarintAt(data_, size_, position_, "DELTA_BINARY_PACKED data");
}

void DeltaBinaryPackedDecoder::nextMiniblock() {
  if (miniblock_ + 1 >= miniblocks_) {
    // A new block: its minimum delta and the bit width of each miniblock.
    minDelta_ = zigzag(readVarint());
    if (size_ - position_ < miniblocks_) throw Error("DELTA_BINARY_PACKED block header cut short");
    bitWidthsAt_ = position_;
    position_ += miniblocks_;
    miniblock_ = 0;
  } else {
    ++miniblock_;
  }
  bitWidth_ = data_[bitWidthsAt_ + miniblock_];
  if (bitWidth_ > 64)
    throw Error("DELTA_BINARY_PACKED miniblock has a bit width of " + std::to_string(bitWidth_));
  const uint64_t bytes = perMiniblock_ * static_cast<uint64_t>(bitWidth_) / 8;
  if (bytes > size_ - position_) throw Error("DELTA_BINARY_PACKED miniblock cut short");
  miniblockData_ = data_ + position_;
  position_ += bytes;
  end_ = position_;
  inMiniblock_ = 0;
}

int64_t DeltaBinaryPackedDecoder::next() {
  if (returned_ >= total_) throw Error("DELTA_BINARY_PACKED values run out");
  if (returned_++ == 0) return static_cast<int64_t>(last_);
  if (miniblockData_ == nullptr || inMiniblock_ == perMiniblock_) nextMiniblock();
  const uint64_t delta =
      readBits(miniblockData_, inMiniblock_++ * static_cast<uint64_t>(bitWidth_), bitWidth_);
  last_ += minDelta_ + delta;  // wrapping arithmetic, as the format specifies
  return static_cast<int64_t>(last_);
}

size_t DeltaBinaryPackedDecoder::end() {
  while (returned_ < total_) {
    // Whole miniblocks are skipped without decoding their values.
    if (returned_ > 0 && miniblockData_ != nullptr && inMiniblock_ < perMiniblock_) {
      const uint64_t skip = std::min(perMiniblock_ - inMiniblock_, total_ - returned_);
      inMiniblock_ += skip;
      returned_ += skip;
      continue;
    }
    next();
  }
  return end_;
}

std::unique_ptr<ValueDecoder> makeValueDecoder(int32_t encoding, PhysicalType type,
                                               int32_t typeLength, const uint8_t* data,
                                               size_t size) {
  const bool integer = type == PhysicalType::Int32 || type == PhysicalType::Int64;
  switch (static_cast<Encoding>(encoding)) {
    case Encoding::Plain:
      return std::make_unique<PlainDecoder>(type, typeLength, data, size);
    case Encoding::Rle:
      if (type == PhysicalType::Boolean) return std::make_unique<RleBooleanDecoder>(data, size);
      break;
    case Encoding::DeltaBinaryPacked:
      if (integer) return std::make_unique<DeltaIntegerDecoder>(type, data, size);
      break;
    case Encoding::DeltaLengthByteArray:
      if (type == PhysicalType::ByteArray) return std::make_unique<DeltaLengthDecoder>(data, size);
      break;
    case Encoding::DeltaByteArray:
      if (type == PhysicalType::ByteArray || type == PhysicalType::FixedLenByteArray)
        return std::make_unique<DeltaByteArrayDecoder>(data, size);
      break;
    case Encoding::ByteStreamSplit:
      if (fixedWidth(type, typeLength) > 0)
        return std::make_unique<ByteStreamSplitDecoder>(type, typeLength, data, size);
      break;
    default:
      throw Error("encoding " + encodingName(encoding) + " is not supported");
  }
  throw Error("encoding " + encodingName(encoding) + " cannot hold " + physicalTypeName(type) +
              " values");
}

}  // namespace tunebench::parquet
