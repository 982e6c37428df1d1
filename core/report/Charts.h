#pragma once
// Report charts (training curves, dataset profiles) as SVG with real text, drawn without Qt.
//
//   LineChartSpec spec{"Training loss", "step", "loss"};
//   spec.series.push_back({"train", steps, trainLoss});
//   spec.series.push_back({"eval", evalSteps, evalLoss});
//   writeLineChartSvg(dir + "/loss.svg", spec);
//
// Axes get "nice" ticks (1, 2 or 5 x 10^k; powers of 10 on a log y axis) with labels, and a
// legend appears when there is more than one series. Points whose x or y is NaN or infinite (or,
// with logY, not positive) are left out and break the line there; a point with no drawn neighbour
// shows as a dot. A single point or a constant series gets an axis widened around its value.
// A chart with nothing to draw is an empty frame that says "no data".
// Titles, labels and names are written as UTF-8 text (invalid bytes become U+FFFD), so the
// viewer's fonts draw any script; the layout estimates their widths (ChartText.h) and shortens
// with "…" what does not fit. Sizes are CSS pixels (160x120 to 8192x8192); charts at least
// 1200x675 get text twice the size. The document's groups carry classes (ChartLayout.h; "series"
// with the series' name as its <title>, "bars"). Errors are tunebench::Error naming the file.
#include <cstdint>
#include <string>
#include <vector>

namespace tunebench {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  // pairs (x[i], y[i]), joined in this order; extra values are ignored
  uint32_t color = 0;        // 0xRRGGBB; 0 = the palette's colour for this series' position
};

struct LineChartSpec {
  std::string title, xLabel, yLabel;
  std::vector<ChartSeries> series;
  bool logY = false;
  int width = 800, height = 450;
};

struct BarChartSpec {
  std::string title, xLabel, yLabel;
  std::vector<std::string> labels;  // one per value, or none (then bars are numbered from 1)
  std::vector<double> values;       // NaN or infinite: no bar
  int width = 800, height = 450;
};

// Colour of the n-th series when it names none (a palette of ten, repeating).
uint32_t chartPaletteColor(size_t n);

// The chart as a standalone SVG document.
std::string renderLineChart(const LineChartSpec& spec);
// Bars from zero, e.g. histograms (labels are bin ranges) or class counts.
std::string renderBarChart(const BarChartSpec& spec);

// The rendered chart written to path (through a temporary file, see writeSvgFile).
void writeLineChartSvg(const std::string& path, const LineChartSpec& spec);
void writeBarChartSvg(const std::string& path, const BarChartSpec& spec);

}  // namespace tunebench
