#pragma once
// What line and bar charts (Charts.h) share: sizes, the plot frame, title and legend, axes with
// grid lines and labels, and the "no data" frame, drawn into an SvgDocument. Each part is its own
// group with a class (title, legend, grid, x-axis, y-axis, frame, axis-titles, no-data).
#include <cstdint>
#include <string>
#include <vector>

#include "report/ChartAxes.h"
#include "report/SvgDocument.h"

namespace tunebench::chart {

constexpr uint32_t kTitleColor = 0x1A1A1A;
constexpr uint32_t kLabelColor = 0x333333;
constexpr uint32_t kTickLabelColor = 0x555555;
constexpr uint32_t kFrameColor = 0x666666;
constexpr uint32_t kGridColor = 0xE3E3E3;
constexpr uint32_t kMinorGridColor = 0xF3F3F3;
constexpr uint32_t kNoDataColor = 0x999999;

// A line of text takes 1.2 em; its baseline lies 0.9 em below the top of that box, and 0.35 em
// below a point the text is centred on vertically.
inline double boxHeight(double size) {
  return 1.2 * size;
}
inline double baselineBelowTop(double size) {
  return 0.9 * size;
}
inline double baselineBelowCentre(double size) {
  return 0.35 * size;
}

// Font sizes and spacing; charts at least 1200x675 get everything twice as large.
struct Style {
  double scale = 1;
  double titleSize = 16, labelSize = 12, tickSize = 11;
  double pad = 10;  // outer margin
  double tick = 4;  // tick mark length
  double gap = 6;   // between a label and what it labels
};
Style styleFor(int width, int height);

// Throws tunebench::Error unless 160x120 <= width x height <= 8192x8192.
void checkSize(int width, int height);

// The plot area; data maps linearly onto [x0, x1] x [y0, y1], y upwards.
struct Frame {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double px(double fraction) const { return x0 + fraction * (x1 - x0); }
  double py(double fraction) const { return y1 - fraction * (y1 - y0); }
};

struct LegendEntry {
  std::string name;
  uint32_t color = 0;
};
using LegendRows = std::vector<std::vector<LegendEntry>>;

// The entries in rows that fit maxWidth (names elided when one alone does not).
LegendRows legendRows(const std::vector<LegendEntry>& entries, double maxWidth, const Style& st);

// Draws the title and the legend rows centred at the top; returns where the frame may start.
double drawHeader(SvgDocument& svg, double width, const std::string& title,
                  const LegendRows& legend, const Style& st);
// Height below the frame for the x tick labels and the x-axis title.
double bottomMargin(const std::string& xLabel, const Style& st);
// Width left of the frame for the y-axis title and the widest y tick label.
double leftMargin(const std::string& yLabel, const std::vector<std::string>& tickLabels,
                  const Style& st);

void drawAxisTitles(SvgDocument& svg, const Frame& frame, double height, const std::string& xLabel,
                    const std::string& yLabel, const Style& st);
void drawNoData(SvgDocument& svg, const Frame& frame, const Style& st);
void drawFrame(SvgDocument& svg, const Frame& frame);

// Horizontal grid lines (minor ones too), tick marks and labels of a y axis.
void drawYAxis(SvgDocument& svg, const Frame& frame, const ChartAxis& axis, const Style& st);
// The x axis for data over [lo, hi]: as many ticks as fit with their labels apart.
ChartAxis fittedXAxis(double lo, double hi, double plotWidth, const Style& st);
void drawXAxis(SvgDocument& svg, const Frame& frame, const ChartAxis& axis, const Style& st);

}  // namespace tunebench::chart
