#include "report/Charts.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "report/BitmapFont.h"
#include "report/ChartAxes.h"
#include "report/PngWriter.h"

namespace tunebench {

namespace {

constexpr uint32_t kBackground = 0xFFFFFF;
constexpr uint32_t kTitleColor = 0x1A1A1A;
constexpr uint32_t kLabelColor = 0x333333;
constexpr uint32_t kTickLabelColor = 0x555555;
constexpr uint32_t kFrameColor = 0x666666;
constexpr uint32_t kGridColor = 0xE3E3E3;
constexpr uint32_t kMinorGridColor = 0xF3F3F3;
constexpr uint32_t kNoDataColor = 0x999999;
constexpr double kHugeValue = 1e300;  // beyond this, values are gaps (ranges would overflow)

constexpr uint32_t kPalette[] = {0x1F6FB2, 0xE8751A, 0x2A9D3F, 0xD0312D, 0x7E57C2,
                                 0x8D5B3E, 0xD6479B, 0x149494, 0x9A9A1C, 0x5C5C5C};

bool usable(double v) {
  return std::isfinite(v) && std::abs(v) <= kHugeValue;
}

// Sizes of the chart's furniture, at the text scale of the chart.
struct Style {
  int s = 1;           // text scale of labels and ticks
  int titleScale = 2;  // text scale of the title
  int pad = 10;        // outer margin
  int tick = 4;        // tick mark length
  int gap = 6;         // between a label and what it labels
};

Style styleFor(int width, int height) {
  Style style;
  if (width >= 1200 && height >= 675) {
    style.s = 2;
    style.titleScale = 3;
    style.pad = 16;
    style.tick = 6;
    style.gap = 10;
  }
  return style;
}

void checkSize(int width, int height) {
  if (width < 160 || height < 120 || width > 8192 || height > 8192)
    throw Error("chart size " + std::to_string(width) + "x" + std::to_string(height) +
                " is out of range (160x120 to 8192x8192 pixels)");
}

struct LegendEntry {
  std::string name;
  uint32_t color;
};

// The legend's rows of entries, wrapped to fit maxWidth.
std::vector<std::vector<LegendEntry>> legendRows(const std::vector<LegendEntry>& entries,
                                                 int maxWidth, const Style& st) {
  std::vector<std::vector<LegendEntry>> rows;
  int used = 0;
  const int swatch = 18 * st.s, spacing = 16 * st.s;
  for (LegendEntry entry : entries) {
    entry.name = elideText(entry.name, std::max(maxWidth - swatch - st.gap, 0), st.s);
    const int w = swatch + st.gap + textWidth(entry.name, st.s);
    if (rows.empty() || used + spacing + w > maxWidth) {
      rows.emplace_back();
      used = -spacing;
    }
    rows.back().push_back(entry);
    used += spacing + w;
  }
  return rows;
}

int legendRowHeight(const Style& st) {
  return textHeight(st.s) + 4 * st.s;
}

// Draws the rows centred horizontally, the first one's top at y.
void drawLegend(RgbImage& image, const std::vector<std::vector<LegendEntry>>& rows, int y,
                const Style& st) {
  const int swatch = 18 * st.s, spacing = 16 * st.s;
  for (const auto& row : rows) {
    int w = -spacing;
    for (const LegendEntry& e : row) w += spacing + swatch + st.gap + textWidth(e.name, st.s);
    int x = (image.width - w) / 2;
    for (const LegendEntry& e : row) {
      const double mid = y + kFontAscent * st.s / 2.0;
      image.drawLine({double(x), mid}, {double(x + swatch), mid}, e.color, 2.5 * st.s);
      x += swatch + st.gap;
      drawText(image, x, y, e.name, kLabelColor, st.s);
      x += textWidth(e.name, st.s) + spacing;
    }
    y += legendRowHeight(st);
  }
}

// The plot frame: pixel columns x0..x1 and rows y0..y1, both inclusive; data maps onto the
// centres of these pixels, so values at the axis ends fall on the frame lines.
struct Frame {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double px(double fraction) const { return x0 + 0.5 + fraction * (x1 - x0); }
  double py(double fraction) const { return y1 + 0.5 - fraction * (y1 - y0); }
};

// Title, legend and axis titles around the frame. Returns the frame's top (the rows above it are
// taken by title and legend).
int drawHeader(RgbImage& image, const std::string& title,
               const std::vector<std::vector<LegendEntry>>& legend, const Style& st) {
  int y = st.pad;
  if (!title.empty()) {
    const std::string shown = elideText(title, image.width - 2 * st.pad, st.titleScale);
    drawText(image, (image.width - textWidth(shown, st.titleScale)) / 2, y, shown, kTitleColor,
             st.titleScale);
    y += kFontAscent * st.titleScale + 3 * st.gap / 2;
  }
  if (!legend.empty()) {
    drawLegend(image, legend, y, st);
    y += int(legend.size()) * legendRowHeight(st);
  }
  // Room for the top tick label, which is centred on the frame's top row.
  return std::max(y + st.gap / 2, st.pad + textHeight(st.s));
}

// Height taken below the frame by the x tick labels and the x-axis title.
int bottomMargin(const std::string& xLabel, const Style& st) {
  int h = st.pad + st.tick + st.gap / 2 + textHeight(st.s);
  if (!xLabel.empty()) h += st.gap + textHeight(st.s);
  return h;
}

// Width taken left of the frame by the y-axis title and the widest y tick label.
int leftMargin(const std::string& yLabel, const std::vector<std::string>& tickLabels,
               const Style& st) {
  int widest = 0;
  for (const std::string& label : tickLabels) widest = std::max(widest, textWidth(label, st.s));
  int w = st.pad + widest + st.gap / 2 + st.tick;
  if (!yLabel.empty()) w += textHeight(st.s) + st.gap;
  return w;
}

void drawAxisTitles(RgbImage& image, const Frame& frame, const std::string& xLabel,
                    const std::string& yLabel, const Style& st) {
  if (!xLabel.empty()) {
    const std::string shown = elideText(xLabel, frame.x1 - frame.x0, st.s);
    drawText(image, (frame.x0 + frame.x1 - textWidth(shown, st.s)) / 2,
             image.height - st.pad - textHeight(st.s), shown, kLabelColor, st.s);
  }
  if (!yLabel.empty()) {
    const std::string shown = elideText(yLabel, frame.y1 - frame.y0, st.s);
    drawTextUp(image, st.pad, (frame.y0 + frame.y1 - textWidth(shown, st.s)) / 2, shown,
               kLabelColor, st.s);
  }
}

void drawNoData(RgbImage& image, const Frame& frame, const Style& st) {
  image.drawRect(frame.x0, frame.y0, frame.x1 - frame.x0 + 1, frame.y1 - frame.y0 + 1, kFrameColor);
  const std::string text = "no data";
  drawText(image, (frame.x0 + frame.x1 - textWidth(text, st.s + 1)) / 2,
           (frame.y0 + frame.y1 - kFontAscent * (st.s + 1)) / 2, text, kNoDataColor, st.s + 1);
}

// Horizontal grid lines, tick marks and labels of a y axis.
void drawYAxis(RgbImage& image, const Frame& frame, const ChartAxis& axis, const Style& st) {
  auto rowOf = [&](double v) {
    return int(std::floor(frame.py((v - axis.lo) / (axis.hi - axis.lo))));
  };
  for (double v : axis.minorTicks)
    image.fillRect(frame.x0 + 1, rowOf(v), frame.x1 - frame.x0 - 1, 1, kMinorGridColor);
  for (size_t i = 0; i < axis.ticks.size(); ++i) {
    const int y = rowOf(axis.ticks[i]);
    if (y > frame.y0 && y < frame.y1)
      image.fillRect(frame.x0 + 1, y, frame.x1 - frame.x0 - 1, 1, kGridColor);
    image.fillRect(frame.x0 - st.tick, y, st.tick, 1, kFrameColor);
    const int w = textWidth(axis.labels[i], st.s);
    drawText(image, frame.x0 - st.tick - st.gap / 2 - w, y - kFontAscent * st.s / 2, axis.labels[i],
             kTickLabelColor, st.s);
  }
}

// The x axis for data over [lo, hi]: as many ticks as fit with their labels apart.
ChartAxis fittedXAxis(double lo, double hi, int plotWidth, const Style& st) {
  ChartAxis axis;
  for (int target = std::max(plotWidth / (70 * st.s), 2); target >= 1; --target) {
    axis = linearAxis(lo, hi, target);
    int widest = 0;
    for (const std::string& label : axis.labels) widest = std::max(widest, textWidth(label, st.s));
    const int intervals = std::max(int(axis.ticks.size()) - 1, 1);
    if (widest + 12 * st.s <= plotWidth / intervals) break;
  }
  return axis;
}

void drawXAxis(RgbImage& image, const Frame& frame, const ChartAxis& axis, const Style& st) {
  for (size_t i = 0; i < axis.ticks.size(); ++i) {
    const int x = int(std::floor(frame.px((axis.ticks[i] - axis.lo) / (axis.hi - axis.lo))));
    if (x > frame.x0 && x < frame.x1)
      image.fillRect(x, frame.y0 + 1, 1, frame.y1 - frame.y0 - 1, kGridColor);
    image.fillRect(x, frame.y1 + 1, 1, st.tick, kFrameColor);
    drawText(image, x - textWidth(axis.labels[i], st.s) / 2, frame.y1 + 1 + st.tick + st.gap / 2,
             axis.labels[i], kTickLabelColor, st.s);
  }
}

// Runs of consecutive drawable points of each series, in data coordinates.
using Run = std::vector<PointF>;

std::vector<Run> seriesRuns(const ChartSeries& series, bool logY) {
  std::vector<Run> runs(1);
  const size_t n = std::min(series.x.size(), series.y.size());
  for (size_t i = 0; i < n; ++i) {
    const double x = series.x[i], y = series.y[i];
    if (usable(x) && usable(y) && (!logY || y > 0)) {
      runs.back().push_back({x, y});
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

}  // namespace

uint32_t chartPaletteColor(size_t n) {
  return kPalette[n % (sizeof kPalette / sizeof *kPalette)];
}

RgbImage renderLineChart(const LineChartSpec& spec) {
  checkSize(spec.width, spec.height);
  const Style st = styleFor(spec.width, spec.height);
  RgbImage image(spec.width, spec.height, kBackground);

  std::vector<std::vector<Run>> runs;
  std::vector<LegendEntry> entries;
  double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const ChartSeries& series = spec.series[i];
    runs.push_back(seriesRuns(series, spec.logY));
    for (const Run& run : runs.back())
      for (const PointF& p : run) {
        xLo = std::min(xLo, p.x);
        xHi = std::max(xHi, p.x);
        yLo = std::min(yLo, p.y);
        yHi = std::max(yHi, p.y);
      }
    entries.push_back({series.name.empty() ? "series " + std::to_string(i + 1) : series.name,
                       series.color != 0 ? series.color : chartPaletteColor(i)});
  }
  const bool hasData = xLo <= xHi;

  std::vector<std::vector<LegendEntry>> legend;
  if (entries.size() > 1) legend = legendRows(entries, spec.width - 2 * st.pad, st);
  Frame frame;
  frame.y0 = drawHeader(image, spec.title, legend, st);
  frame.y1 = spec.height - 1 - bottomMargin(spec.xLabel, st);
  if (frame.y1 - frame.y0 < 20) throw Error("chart is too short for its title, legend and labels");

  if (!hasData) {
    frame.x0 = leftMargin(spec.yLabel, {}, st);
    frame.x1 = spec.width - 1 - st.pad;
    drawNoData(image, frame, st);
    drawAxisTitles(image, frame, spec.xLabel, spec.yLabel, st);
    return image;
  }

  const int plotHeight = frame.y1 - frame.y0;
  const int yTarget = std::max(plotHeight / (45 * st.s), 2);
  const ChartAxis yAxis = spec.logY ? logAxis(yLo, yHi, yTarget) : linearAxis(yLo, yHi, yTarget);
  frame.x0 = leftMargin(spec.yLabel, yAxis.labels, st);
  // The last x label is centred on the right edge of the frame; keep it inside the image.
  const int provisionalRight = st.pad + 20 * st.s;
  const ChartAxis xAxis = fittedXAxis(xLo, xHi, spec.width - provisionalRight - frame.x0, st);
  const int lastLabel = textWidth(xAxis.labels.back(), st.s);
  frame.x1 = spec.width - 1 - std::max(st.pad, lastLabel / 2 + 2);
  if (frame.x1 - frame.x0 < 20) throw Error("chart is too narrow for its labels");

  drawYAxis(image, frame, yAxis, st);
  drawXAxis(image, frame, xAxis, st);
  image.drawRect(frame.x0, frame.y0, frame.x1 - frame.x0 + 1, frame.y1 - frame.y0 + 1, kFrameColor);

  const double lineWidth = 2.0 * st.s;
  // Lines along the frame are drawn over it at full width rather than cut in half.
  const int spill = int(std::ceil(lineWidth));
  const PixelRect clip{frame.x0 - spill, frame.y0 - spill, frame.x1 - frame.x0 + 1 + 2 * spill,
                       frame.y1 - frame.y0 + 1 + 2 * spill};
  for (size_t i = 0; i < runs.size(); ++i) {
    for (const Run& run : runs[i]) {
      std::vector<PointF> pixels;
      pixels.reserve(run.size());
      for (const PointF& p : run)
        pixels.push_back({frame.px(xAxis.fraction(p.x)), frame.py(yAxis.fraction(p.y))});
      if (pixels.size() == 1)
        image.fillCircle(pixels[0], 1.5 * lineWidth, entries[i].color, clip);
      else
        image.drawPolyline(pixels, entries[i].color, lineWidth, clip);
    }
  }
  drawAxisTitles(image, frame, spec.xLabel, spec.yLabel, st);
  return image;
}

RgbImage renderBarChart(const BarChartSpec& spec) {
  checkSize(spec.width, spec.height);
  if (!spec.labels.empty() && spec.labels.size() != spec.values.size())
    throw Error("bar chart \"" + spec.title + "\" has " + std::to_string(spec.labels.size()) +
                " labels for " + std::to_string(spec.values.size()) + " values");
  const Style st = styleFor(spec.width, spec.height);
  RgbImage image(spec.width, spec.height, kBackground);
  const size_t n = spec.values.size();

  double lo = 0, hi = 0;
  bool hasData = false;
  for (double v : spec.values)
    if (usable(v)) {
      hasData = true;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }

  Frame frame;
  frame.y0 = drawHeader(image, spec.title, {}, st);
  frame.y1 = spec.height - 1 - bottomMargin(spec.xLabel, st);
  if (frame.y1 - frame.y0 < 20) throw Error("chart is too short for its title and labels");
  if (!hasData) {
    frame.x0 = leftMargin(spec.yLabel, {}, st);
    frame.x1 = spec.width - 1 - st.pad;
    drawNoData(image, frame, st);
    drawAxisTitles(image, frame, spec.xLabel, spec.yLabel, st);
    return image;
  }

  if (hi == lo) hi = 1;  // all zero: an axis from 0 to 1
  // Values are printed above the bars (below negative ones) when every one of them fits its
  // slot, otherwise none: a partial set reads as if the others were missing. They need headroom.
  const int yTarget = std::max((frame.y1 - frame.y0) / (45 * st.s), 2);
  const int right = spec.width - 1 - st.pad;
  auto slotWidth = [&](const ChartAxis& axis) {
    return double(right - leftMargin(spec.yLabel, axis.labels, st) - 1) / double(n);
  };
  ChartAxis yAxis = linearAxis(lo, hi, yTarget);
  bool showValues = true;
  for (double v : spec.values)
    if (usable(v) && textWidth(formatValue(v), st.s) + 2 > slotWidth(yAxis)) showValues = false;
  if (showValues) {
    const double span = hi - lo;
    yAxis = linearAxis(lo < 0 ? lo - span * 0.06 : lo, hi > 0 ? hi + span * 0.06 : hi, yTarget);
  }
  frame.x0 = leftMargin(spec.yLabel, yAxis.labels, st);
  frame.x1 = right;
  if (frame.x1 - frame.x0 < 20) throw Error("chart is too narrow for its labels");

  drawYAxis(image, frame, yAxis, st);
  image.drawRect(frame.x0, frame.y0, frame.x1 - frame.x0 + 1, frame.y1 - frame.y0 + 1, kFrameColor);

  const double slot = slotWidth(yAxis);
  const double barWidth = std::max(slot * (n > 30 ? 0.9 : 0.7), 1.0);
  const int zeroRow = int(std::floor(frame.py(yAxis.fraction(0))));
  std::vector<std::string> labels(n);
  for (size_t i = 0; i < n; ++i)
    labels[i] = spec.labels.empty() ? std::to_string(i + 1) : spec.labels[i];
  // Labels are elided to a readable length, then every k-th is shown so that they do not touch.
  int widest = 0;
  for (std::string& label : labels) {
    label = elideText(label, 110 * st.s, st.s);
    widest = std::max(widest, textWidth(label, st.s));
  }
  const size_t every = std::max<size_t>(1, size_t(std::ceil((widest + 8 * st.s) / slot)));
  const uint32_t color = chartPaletteColor(0);

  for (size_t i = 0; i < n; ++i) {
    const double centre = frame.x0 + 1 + slot * (double(i) + 0.5);
    const int left = int(std::lround(centre - barWidth / 2));
    const int right = std::max(int(std::lround(centre + barWidth / 2)), left + 1);
    const double v = spec.values[i];
    if (usable(v)) {
      const int row = int(std::floor(frame.py(yAxis.fraction(v))));
      const int top = std::min(row, zeroRow), bottom = std::max(row, zeroRow);
      image.fillRect(left, top, right - left, std::max(bottom - top, 1), color);
      const std::string text = formatValue(v);
      const int w = textWidth(text, st.s);
      if (showValues) {
        const int ty = v >= 0 ? top - st.gap / 2 - kFontAscent * st.s : bottom + st.gap / 2;
        drawText(image, int(std::lround(centre)) - w / 2, ty, text, kLabelColor, st.s);
      }
    }
    const int x = int(std::floor(centre));
    image.fillRect(x, frame.y1 + 1, 1, st.tick, kFrameColor);
    if (i % every == 0)
      drawText(image, x - textWidth(labels[i], st.s) / 2, frame.y1 + 1 + st.tick + st.gap / 2,
               labels[i], kTickLabelColor, st.s);
  }
  if (lo < 0) image.fillRect(frame.x0, zeroRow, frame.x1 - frame.x0 + 1, 1, kFrameColor);
  drawAxisTitles(image, frame, spec.xLabel, spec.yLabel, st);
  return image;
}

void writeLineChartPng(const std::string& path, const LineChartSpec& spec) {
  RgbImage image;
  try {
    image = renderLineChart(spec);
  } catch (const Error& e) {
    throw e.within("drawing chart " + path);
  }
  writePng(path, image);
}

void writeBarChartPng(const std::string& path, const BarChartSpec& spec) {
  RgbImage image;
  try {
    image = renderBarChart(spec);
  } catch (const Error& e) {
    throw e.within("drawing chart " + path);
  }
  writePng(path, image);
}

}  // namespace tunebench
