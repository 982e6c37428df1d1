#pragma once
// PNG output for RgbImage: 8-bit RGB, no interlace, one IDAT chunk compressed with zlib.
#include <cstdint>
#include <string>
#include <vector>

#include "report/RgbImage.h"

namespace tunebench {

// The complete PNG file for image. Throws tunebench::Error for an empty image or one whose
// pixel buffer does not hold width * height * 3 bytes.
std::vector<uint8_t> encodePng(const RgbImage& image);

// Writes encodePng(image) to path: a temporary file in the same folder renamed over path, so a
// failed write leaves an existing file intact. Throws tunebench::Error naming path.
void writePng(const std::string& path, const RgbImage& image);

}  // namespace tunebench
