#pragma once
// Headless PNG charts for reports (training curves, dataset profiles), drawn without Qt.
//
//   LineChartSpec spec{"Training loss", "step", "loss"};
//   spec.series.push_back({"train", steps, trainLoss});
//   spec.series.push_back({"eval", evalSteps, evalLoss});
//   writeLineChartPng(dir + "/loss.png", spec);
//
// Axes get "nice" ticks (1, 2 or 5 x 10^k; powers of 10 on a log y axis) with labels, and a
// legend appears when there is more than one series. Points whose x or y is NaN or infinite (or,
// with logY, not positive) are left out and break the line there; a point with no drawn neighbour
// shows as a dot. A single point or a constant series gets an axis widened around its value.
// A chart with nothing to draw is an empty frame that says "no data". Sizes are in pixels
// (160x120 to 8192x8192); text is drawn with the built-in bitmap font, at twice its size on
// charts at least 1200x675. Errors are tunebench::Error naming the file.
#include <cstdint>
#include <string>
#include <vector>

#include "report/RgbImage.h"

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

RgbImage renderLineChart(const LineChartSpec& spec);
RgbImage renderBarChart(const BarChartSpec& spec);

void writeLineChartPng(const std::string& path, const LineChartSpec& spec);
// Bars from zero, e.g. histograms (labels are bin ranges) or class counts.
void writeBarChartPng(const std::string& path, const BarChartSpec& spec);

}  // namespace tunebench
