#include "report/PngWriter.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/Error.h"

namespace tunebench {

namespace {

void appendBigEndian32(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(uint8_t(v >> 24));
  out.push_back(uint8_t(v >> 16));
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}

// A chunk: length, type, data, and the CRC-32 of type and data.
void appendChunk(std::vector<uint8_t>& out, const char (&type)[5], const uint8_t* data,
                 size_t size) {
  appendBigEndian32(out, uint32_t(size));
  const size_t typeAt = out.size();
  out.insert(out.end(), type, type + 4);
  if (size > 0) out.insert(out.end(), data, data + size);
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), out.data() + typeAt, uInt(size + 4));
  appendBigEndian32(out, uint32_t(crc));
}

uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return uint8_t(a);
  return uint8_t(pb <= pc ? b : c);
}

// Each row is stored with the filter (None, Sub, Up, Average, Paeth) whose output has the
// smallest sum of absolute values when read as signed bytes, the usual choice that helps deflate.
std::vector<uint8_t> filteredScanlines(const RgbImage& image) {
  const size_t stride = size_t(image.width) * 3;
  std::vector<uint8_t> out;
  out.reserve((stride + 1) * size_t(image.height));
  std::vector<uint8_t> candidate(stride), best(stride);
  const std::vector<uint8_t> zeros(stride, 0);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = &image.pixels[size_t(y) * stride];
    const uint8_t* above = y > 0 ? row - stride : zeros.data();
    uint64_t bestCost = UINT64_MAX;
    uint8_t bestType = 0;
    for (uint8_t type = 0; type <= 4; ++type) {
      uint64_t cost = 0;
      for (size_t i = 0; i < stride; ++i) {
        const int a = i >= 3 ? row[i - 3] : 0, b = above[i], c = i >= 3 ? above[i - 3] : 0;
        int predicted = 0;
        switch (type) {
          case 1:
            predicted = a;
            break;
          case 2:
            predicted = b;
            break;
          case 3:
            predicted = (a + b) / 2;
            break;
          case 4:
            predicted = paeth(a, b, c);
            break;
          default:
            break;
        }
        candidate[i] = uint8_t(row[i] - predicted);
        cost += uint64_t(std::abs(int(int8_t(candidate[i]))));
      }
      if (cost < bestCost) {
        bestCost = cost;
        bestType = type;
        best.swap(candidate);
      }
    }
    out.push_back(bestType);
    out.insert(out.end(), best.begin(), best.end());
  }
  return out;
}

}  // namespace

std::vector<uint8_t> encodePng(const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0)
    throw Error("a PNG needs at least one pixel; the image is " + std::to_string(image.width) +
                "x" + std::to_string(image.height));
  if (image.pixels.size() != size_t(image.width) * size_t(image.height) * 3)
    throw Error("the image's pixel buffer holds " + std::to_string(image.pixels.size()) +
                " bytes, not width * height * 3 = " +
                std::to_string(size_t(image.width) * size_t(image.height) * 3));

  const std::vector<uint8_t> raw = filteredScanlines(image);
  uLongf compressedSize = compressBound(uLong(raw.size()));
  std::vector<uint8_t> compressed(compressedSize);
  const int rc = compress2(compressed.data(), &compressedSize, raw.data(), uLong(raw.size()), 9);
  if (rc != Z_OK)
    throw Error("compressing the image failed (zlib error " + std::to_string(rc) + ")");
  compressed.resize(compressedSize);

  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> header;
  appendBigEndian32(header, uint32_t(image.width));
  appendBigEndian32(header, uint32_t(image.height));
  header.insert(header.end(),
                {8, 2, 0, 0, 0});  // 8 bits, truecolour, deflate, filters, no interlace
  appendChunk(png, "IHDR", header.data(), header.size());
  appendChunk(png, "IDAT", compressed.data(), compressed.size());
  appendChunk(png, "IEND", nullptr, 0);
  return png;
}

void writePng(const std::string& path, const RgbImage& image) {
  std::vector<uint8_t> png;
  try {
    png = encodePng(image);
  } catch (const Error& e) {
    throw e.within("writing PNG " + path);
  }
  const std::string temp = path + ".part";
  auto fail = [&](const std::string& what, int err) {
    std::remove(temp.c_str());
    return Error("writing PNG " + path + ": " + what + ": " + std::strerror(err));
  };
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) throw fail("cannot create " + temp, errno);
  const bool written = std::fwrite(png.data(), 1, png.size(), file) == png.size();
  int err = errno;
  if (std::fclose(file) != 0 && written) {
    err = errno;
    throw fail("cannot finish " + temp, err);
  }
  if (!written) throw fail("cannot write " + temp, err);
  if (std::rename(temp.c_str(), path.c_str()) != 0) throw fail("cannot replace the file", errno);
}

}  // namespace tunebench
