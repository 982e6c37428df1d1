#pragma once
// An 8-bit RGB raster for headless report graphics (charts written as PNG by PngWriter.h).
// Colours are 0xRRGGBB. Drawing outside the image is clipped silently, so callers may draw shapes
// that cross the border. Coordinates: x to the right, y downwards, (0, 0) the top-left pixel;
// pixel (x, y) covers the square [x, x+1) x [y, y+1), so its centre is (x + 0.5, y + 0.5).
#include <cstdint>
#include <vector>

namespace tunebench {

struct PointF {
  double x = 0;
  double y = 0;
};

// A rectangle of whole pixels: columns [x, x + w), rows [y, y + h).
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
};

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major, 3 bytes (R, G, B) per pixel, no row padding

  RgbImage() = default;
  // Throws tunebench::Error for negative or absurdly large sizes.
  RgbImage(int width, int height, uint32_t background = 0xFFFFFF);

  bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  void set(int x, int y, uint32_t color);
  uint32_t get(int x, int y) const;  // 0 outside the image
  // Mixes color into the pixel: alpha 0 leaves it, 1 replaces it.
  void blend(int x, int y, uint32_t color, double alpha);

  void fill(uint32_t color);
  void fillRect(int x, int y, int w, int h, uint32_t color);
  // One-pixel outline of the rectangle whose corners are (x, y) and (x + w - 1, y + h - 1).
  void drawRect(int x, int y, int w, int h, uint32_t color);
  // Exact one-pixel lines between pixel centres (Bresenham), for axes, ticks and grids.
  void drawPixelLine(int x0, int y0, int x1, int y1, uint32_t color);
  // Anti-aliased polyline of the given width in pixels, coordinates in pixel space (see top).
  // Joints are drawn once (no darker dots where segments meet). Only pixels inside clip are
  // touched; an empty clip means the whole image.
  void drawPolyline(const std::vector<PointF>& points, uint32_t color, double lineWidth = 2.0,
                    PixelRect clip = {});
  void drawLine(PointF a, PointF b, uint32_t color, double lineWidth = 2.0, PixelRect clip = {}) {
    drawPolyline({a, b}, color, lineWidth, clip);
  }
  // Anti-aliased filled disc, e.g. to mark a point that has no neighbour to join.
  void fillCircle(PointF centre, double radius, uint32_t color, PixelRect clip = {});
};

}  // namespace tunebench
