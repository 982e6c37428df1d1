#include "report/RgbImage.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "common/Error.h"

namespace tunebench {

namespace {

constexpr int kMaxSide = 1 << 15;

struct Box {
  int x0, y0, x1, y1;  // inclusive-exclusive: [x0, x1) x [y0, y1)
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

Box clipBox(const RgbImage& image, const PixelRect& clip) {
  Box box{0, 0, image.width, image.height};
  if (clip.w > 0 && clip.h > 0) {
    box.x0 = std::max(box.x0, clip.x);
    box.y0 = std::max(box.y0, clip.y);
    box.x1 = std::min(box.x1, clip.x + clip.w);
    box.y1 = std::min(box.y1, clip.y + clip.h);
  }
  return box;
}

Box intersect(Box a, Box b) {
  return {std::max(a.x0, b.x0), std::max(a.y0, b.y0), std::min(a.x1, b.x1), std::min(a.y1, b.y1)};
}

// Pixel range that a shape spanning [lo, hi] in continuous coordinates can touch.
int floorToInt(double v) {
  return int(std::floor(std::clamp(v, -1e6, 1e6)));
}

double distanceToSegment(double px, double py, PointF a, PointF b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = 0;
  if (len2 > 0) t = std::clamp(((px - a.x) * dx + (py - a.y) * dy) / len2, 0.0, 1.0);
  const double ex = a.x + t * dx - px, ey = a.y + t * dy - py;
  return std::sqrt(ex * ex + ey * ey);
}

}  // namespace

RgbImage::RgbImage(int w, int h, uint32_t background) : width(w), height(h) {
  if (w < 0 || h < 0 || w > kMaxSide || h > kMaxSide)
    throw Error("image size " + std::to_string(w) + "x" + std::to_string(h) +
                " is out of range (0 to " + std::to_string(kMaxSide) + " pixels a side)");
  pixels.resize(size_t(w) * size_t(h) * 3);
  fill(background);
}

void RgbImage::set(int x, int y, uint32_t color) {
  if (!contains(x, y)) return;
  uint8_t* p = &pixels[(size_t(y) * size_t(width) + size_t(x)) * 3];
  p[0] = uint8_t(color >> 16);
  p[1] = uint8_t(color >> 8);
  p[2] = uint8_t(color);
}

uint32_t RgbImage::get(int x, int y) const {
  if (!contains(x, y)) return 0;
  const uint8_t* p = &pixels[(size_t(y) * size_t(width) + size_t(x)) * 3];
  return (uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | uint32_t(p[2]);
}

void RgbImage::blend(int x, int y, uint32_t color, double alpha) {
  if (!contains(x, y) || !(alpha > 0)) return;
  if (alpha >= 1) {
    set(x, y, color);
    return;
  }
  uint8_t* p = &pixels[(size_t(y) * size_t(width) + size_t(x)) * 3];
  for (int c = 0; c < 3; ++c) {
    const double src = double((color >> (16 - 8 * c)) & 0xFF);
    p[c] = uint8_t(std::lround(p[c] + (src - p[c]) * alpha));
  }
}

void RgbImage::fill(uint32_t color) {
  for (size_t i = 0; i + 2 < pixels.size(); i += 3) {
    pixels[i] = uint8_t(color >> 16);
    pixels[i + 1] = uint8_t(color >> 8);
    pixels[i + 2] = uint8_t(color);
  }
}

void RgbImage::fillRect(int x, int y, int w, int h, uint32_t color) {
  const Box box = intersect({x, y, x + std::max(w, 0), y + std::max(h, 0)}, {0, 0, width, height});
  for (int yy = box.y0; yy < box.y1; ++yy)
    for (int xx = box.x0; xx < box.x1; ++xx) set(xx, yy, color);
}

void RgbImage::drawRect(int x, int y, int w, int h, uint32_t color) {
  if (w <= 0 || h <= 0) return;
  fillRect(x, y, w, 1, color);
  fillRect(x, y + h - 1, w, 1, color);
  fillRect(x, y, 1, h, color);
  fillRect(x + w - 1, y, 1, h, color);
}

void RgbImage::drawPixelLine(int x0, int y0, int x1, int y1, uint32_t color) {
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  for (;;) {
    set(x0, y0, color);
    if (x0 == x1 && y0 == y1) return;
    const int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void RgbImage::drawPolyline(const std::vector<PointF>& points, uint32_t color, double lineWidth,
                            PixelRect clip) {
  if (points.empty() || !(lineWidth > 0)) return;
  const double half = lineWidth / 2;
  const double reach = half + 1;
  double minX = points[0].x, maxX = minX, minY = points[0].y, maxY = minY;
  for (const PointF& p : points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return;
    minX = std::min(minX, p.x);
    maxX = std::max(maxX, p.x);
    minY = std::min(minY, p.y);
    maxY = std::max(maxY, p.y);
  }
  const Box area =
      intersect(clipBox(*this, clip), {floorToInt(minX - reach), floorToInt(minY - reach),
                                       floorToInt(maxX + reach) + 1, floorToInt(maxY + reach) + 1});
  if (area.empty()) return;
  // Coverage of each pixel in the area: the largest over all segments, so joints blend once.
  const int aw = area.x1 - area.x0;
  std::vector<float> coverage(size_t(aw) * size_t(area.y1 - area.y0), 0.0f);
  // A single point is a segment of length 0: a dot as wide as the line.
  const size_t segments = points.size() == 1 ? 1 : points.size() - 1;
  for (size_t i = 0; i < segments; ++i) {
    const PointF a = points[i];
    const PointF b = points[std::min(i + 1, points.size() - 1)];
    const Box seg = intersect(
        area,
        {floorToInt(std::min(a.x, b.x) - reach), floorToInt(std::min(a.y, b.y) - reach),
         floorToInt(std::max(a.x, b.x) + reach) + 1, floorToInt(std::max(a.y, b.y) + reach) + 1});
    for (int y = seg.y0; y < seg.y1; ++y)
      for (int x = seg.x0; x < seg.x1; ++x) {
        const double d = distanceToSegment(x + 0.5, y + 0.5, a, b);
        const double c = std::clamp(half + 0.5 - d, 0.0, 1.0);
        float& slot = coverage[size_t(y - area.y0) * size_t(aw) + size_t(x - area.x0)];
        slot = std::max(slot, float(c));
      }
  }
  for (int y = area.y0; y < area.y1; ++y)
    for (int x = area.x0; x < area.x1; ++x)
      blend(x, y, color, coverage[size_t(y - area.y0) * size_t(aw) + size_t(x - area.x0)]);
}

void RgbImage::fillCircle(PointF centre, double radius, uint32_t color, PixelRect clip) {
  if (!(radius > 0) || !std::isfinite(centre.x) || !std::isfinite(centre.y)) return;
  const Box box =
      intersect(clipBox(*this, clip),
                {floorToInt(centre.x - radius - 1), floorToInt(centre.y - radius - 1),
                 floorToInt(centre.x + radius + 1) + 1, floorToInt(centre.y + radius + 1) + 1});
  for (int y = box.y0; y < box.y1; ++y)
    for (int x = box.x0; x < box.x1; ++x) {
      const double d = std::hypot(x + 0.5 - centre.x, y + 0.5 - centre.y);
      blend(x, y, color, std::clamp(radius + 0.5 - d, 0.0, 1.0));
    }
}

}  // namespace tunebench
