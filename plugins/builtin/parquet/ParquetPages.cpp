#include "builtin/parquet/ParquetPages.h"

#include <algorithm>

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include "common/Error.h"

namespace tunebench::parquet {

namespace {

// Output grows as the decoder produces it, so a page that lies about its size costs memory only
// for what its data really expands to.
size_t nextCapacity(size_t current, size_t expected) {
  return std::min(expected, std::max<size_t>(current * 2, 1 << 16));
}

void inflateGzip(const uint8_t* data, size_t size, size_t expected, std::string& out) {
  z_stream stream{};
  // 32 + MAX_WBITS: gzip (RFC 1952) as the format says, zlib-wrapped streams accepted too.
  if (inflateInit2(&stream, 32 + MAX_WBITS) != Z_OK) throw Error("GZIP: cannot start zlib");
  struct End {
    z_stream* s;
    ~End() { inflateEnd(s); }
  } end{&stream};
  stream.next_in = const_cast<Bytef*>(data);
  stream.avail_in = static_cast<uInt>(size);
  out.resize(nextCapacity(0, expected));
  size_t produced = 0;
  unsigned char extra = 0;
  // Each turn consumes input or produces output, or the loop ends: it cannot spin.
  while (true) {
    const bool full = produced == out.size();
    if (full && out.size() < expected) {
      out.resize(nextCapacity(out.size(), expected));
      continue;
    }
    // Once the declared size is reached, one more byte of room shows whether the data goes on.
    stream.next_out = full ? &extra : reinterpret_cast<Bytef*>(&out[produced]);
    stream.avail_out = full ? 1 : static_cast<uInt>(out.size() - produced);
    const uInt inputBefore = stream.avail_in;
    const uInt room = stream.avail_out;
    const int code = inflate(&stream, Z_NO_FLUSH);
    if (code != Z_OK && code != Z_STREAM_END && code != Z_BUF_ERROR)
      throw Error(std::string("GZIP data is corrupt") +
                  (stream.msg ? std::string(": ") + stream.msg : std::string()));
    if (full && stream.avail_out == 0)
      throw Error("GZIP data decompresses to more than the declared " + std::to_string(expected) +
                  " bytes");
    if (!full) produced += room - stream.avail_out;
    if (code == Z_STREAM_END) {
      // Concatenated gzip members continue after the end of one.
      if (stream.avail_in == 0 || inflateReset(&stream) != Z_OK) break;
      continue;
    }
    if (stream.avail_in == inputBefore && stream.avail_out == room) break;
  }
  out.resize(produced);
}

void decompressZstd(const uint8_t* data, size_t size, size_t expected, std::string& out) {
  ZSTD_DStream* stream = ZSTD_createDStream();
  if (!stream) throw Error("ZSTD: out of memory");
  struct Free {
    ZSTD_DStream* s;
    ~Free() { ZSTD_freeDStream(s); }
  } free{stream};
  ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27);  // 128 MiB windows at most
  ZSTD_inBuffer input{data, size, 0};
  out.resize(nextCapacity(0, expected));
  size_t produced = 0;
  char extra = 0;
  // Each turn consumes input or produces output, or the loop ends: it cannot spin.
  while (true) {
    const bool full = produced == out.size();
    if (full && out.size() < expected) {
      out.resize(nextCapacity(out.size(), expected));
      continue;
    }
    ZSTD_outBuffer output =
        full ? ZSTD_outBuffer{&extra, 1, 0} : ZSTD_outBuffer{&out[0], out.size(), produced};
    const size_t inputBefore = input.pos;
    const size_t outputBefore = output.pos;
    const size_t code = ZSTD_decompressStream(stream, &output, &input);
    if (ZSTD_isError(code))
      throw Error(std::string("ZSTD data is corrupt: ") + ZSTD_getErrorName(code));
    if (full && output.pos)
      throw Error("ZSTD data decompresses to more than the declared " + std::to_string(expected) +
                  " bytes");
    if (!full) produced = output.pos;
    if (input.pos == inputBefore && output.pos == outputBefore) break;
  }
  out.resize(produced);
}

}  // namespace

void checkCodecSupported(int32_t codec) {
  switch (static_cast<Codec>(codec)) {
    case Codec::Uncompressed:
    case Codec::Snappy:
    case Codec::Gzip:
    case Codec::Zstd:
      return;
    default:
      throw Error("compression codec " + codecName(codec) +
                  " is not supported (UNCOMPRESSED, SNAPPY, GZIP and ZSTD are)");
  }
}

void decompress(int32_t codec, const uint8_t* data, size_t size, size_t expectedSize,
                std::string& out) {
  checkCodecSupported(codec);
  if (expectedSize > kMaxPageBytes)
    throw Error("page declares " + std::to_string(expectedSize) +
                " uncompressed bytes, more than the limit of " + std::to_string(kMaxPageBytes));
  switch (static_cast<Codec>(codec)) {
    case Codec::Uncompressed:
      out.assign(reinterpret_cast<const char*>(data), size);
      break;
    case Codec::Snappy: {
      const char* in = reinterpret_cast<const char*>(data);
      size_t length = 0;
      if (!snappy::GetUncompressedLength(in, size, &length))
        throw Error("SNAPPY data is corrupt (no valid length)");
      if (length != expectedSize) {
        out.clear();
        throw Error("SNAPPY data decompresses to " + std::to_string(length) +
                    " bytes, the page declares " + std::to_string(expectedSize));
      }
      // A Snappy copy of 3 bytes makes at most 64: a larger claim is a lie.
      if (length / 32 > size) throw Error("SNAPPY data claims an impossible length");
      out.resize(length);
      if (!snappy::RawUncompress(in, size, &out[0])) throw Error("SNAPPY data is corrupt");
      break;
    }
    case Codec::Gzip:
      inflateGzip(data, size, expectedSize, out);
      break;
    case Codec::Zstd:
      decompressZstd(data, size, expectedSize, out);
      break;
    default:
      break;
  }
  if (out.size() != expectedSize)
    throw Error(codecName(codec) + " data decompresses to " + std::to_string(out.size()) +
                " bytes, the page declares " + std::to_string(expectedSize));
}

bool PageReader::next(Page& page) {
  if (position_ >= size_) return false;
  page.offset = fileOffset_ + static_cast<int64_t>(position_);
  size_t headerBytes = 0;
  try {
    page.header = parsePageHeader(chunk_ + position_, size_ - position_, headerBytes);
  } catch (const Error& e) {
    throw Error("page header at byte " + std::to_string(page.offset) + ": " + e.what());
  }
  const PageHeader& header = page.header;
  const size_t compressed = static_cast<size_t>(header.compressedPageSize);
  const size_t uncompressed = static_cast<size_t>(header.uncompressedPageSize);
  const size_t bodyStart = position_ + headerBytes;
  if (compressed > size_ - bodyStart)
    throw Error("page at byte " + std::to_string(page.offset) + " declares " +
                std::to_string(compressed) + " bytes, past the end of its column chunk");
  position_ = bodyStart + compressed;
  const uint8_t* body = chunk_ + bodyStart;
  try {
    if (header.type == static_cast<int32_t>(PageType::DataPageV2)) {
      if (!header.dataPageV2) throw Error("data page v2 without its header");
      const auto& v2 = *header.dataPageV2;
      const size_t levels = static_cast<size_t>(v2.repetitionLevelsByteLength) +
                            static_cast<size_t>(v2.definitionLevelsByteLength);
      if (levels > compressed || levels > uncompressed)
        throw Error("level sections of " + std::to_string(levels) +
                    " bytes are larger than the page");
      std::string values;
      if (v2.isCompressed)
        decompress(codec_, body + levels, compressed - levels, uncompressed - levels, values);
      else if (compressed != uncompressed)
        throw Error("uncompressed page of " + std::to_string(compressed) + " bytes declares " +
                    std::to_string(uncompressed));
      else
        values.assign(reinterpret_cast<const char*>(body + levels), compressed - levels);
      page.body.assign(reinterpret_cast<const char*>(body), levels);
      page.body += values;
    } else if (header.type == static_cast<int32_t>(PageType::DataPage) ||
               header.type == static_cast<int32_t>(PageType::DictionaryPage)) {
      decompress(codec_, body, compressed, uncompressed, page.body);
    } else {
      page.body.clear();  // index pages and unknown kinds carry nothing the records need
    }
  } catch (const Error& e) {
    throw Error("page at byte " + std::to_string(page.offset) + ": " + e.what());
  }
  return true;
}

}  // namespace tunebench::parquet
