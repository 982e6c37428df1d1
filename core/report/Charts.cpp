#include "report/Charts.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "report/ChartAxes.h"
#include "report/ChartLayout.h"
#include "report/ChartText.h"
#include "report/SvgDocument.h"

namespace tunebench {

using namespace chart;

namespace {

constexpr double kHugeValue = 1e300;  // beyond this, values are gaps (ranges would overflow)

constexpr uint32_t kPalette[] = {0x1F6FB2, 0xE8751A, 0x2A9D3F, 0xD0312D, 0x7E57C2,
                                 0x8D5B3E, 0xD6479B, 0x149494, 0x9A9A1C, 0x5C5C5C};

bool usable(double v) {
  return std::isfinite(v) && std::abs(v) <= kHugeValue;
}

// Runs of consecutive drawable points of a series, in data coordinates.
using Run = std::vector<SvgPoint>;

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

struct Bounds {
  double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
  bool empty() const { return !(xLo <= xHi); }
  void add(const SvgPoint& p) {
    xLo = std::min(xLo, p.x);
    xHi = std::max(xHi, p.x);
    yLo = std::min(yLo, p.y);
    yHi = std::max(yHi, p.y);
  }
};

void drawSeries(SvgDocument& svg, const Frame& frame, const ChartAxis& xAxis,
                const ChartAxis& yAxis, const std::vector<Run>& runs, const LegendEntry& entry,
                const Style& st) {
  const double lineWidth = 2.0 * st.scale;
  svg.beginGroup({"series", entry.name, false});
  for (const Run& run : runs) {
    std::vector<SvgPoint> points;
    points.reserve(run.size());
    for (const SvgPoint& p : run)
      points.push_back({frame.px(xAxis.fraction(p.x)), frame.py(yAxis.fraction(p.y))});
    if (points.size() == 1)
      svg.circle(points[0], 1.5 * lineWidth, entry.color);
    else
      svg.polyline(points, {entry.color, lineWidth});
  }
  svg.endGroup();
}

// Frame and titles of a chart with nothing to draw.
std::string noDataChart(SvgDocument& svg, Frame frame, int width, int height,
                        const std::string& xLabel, const std::string& yLabel, const Style& st) {
  frame.x0 = leftMargin(yLabel, {}, st);
  frame.x1 = width - st.pad;
  drawNoData(svg, frame, st);
  drawAxisTitles(svg, frame, height, xLabel, yLabel, st);
  return svg.str();
}

}  // namespace

uint32_t chartPaletteColor(size_t n) {
  return kPalette[n % (sizeof kPalette / sizeof *kPalette)];
}

std::string renderLineChart(const LineChartSpec& spec) {
  checkSize(spec.width, spec.height);
  const Style st = styleFor(spec.width, spec.height);
  SvgDocument svg(spec.width, spec.height);

  std::vector<std::vector<Run>> runs;
  std::vector<LegendEntry> entries;
  Bounds bounds;
  for (size_t i = 0; i < spec.series.size(); ++i) {
    const ChartSeries& series = spec.series[i];
    runs.push_back(seriesRuns(series, spec.logY));
    for (const Run& run : runs.back())
      for (const SvgPoint& p : run) bounds.add(p);
    entries.push_back({series.name.empty() ? "series " + std::to_string(i + 1) : series.name,
                       series.color != 0 ? series.color : chartPaletteColor(i)});
  }

  LegendRows legend;
  if (entries.size() > 1) legend = legendRows(entries, spec.width - 2 * st.pad, st);
  Frame frame;
  frame.y0 = drawHeader(svg, spec.width, spec.title, legend, st);
  frame.y1 = spec.height - bottomMargin(spec.xLabel, st);
  if (frame.y1 - frame.y0 < 20) throw Error("chart is too short for its title, legend and labels");
  if (bounds.empty())
    return noDataChart(svg, frame, spec.width, spec.height, spec.xLabel, spec.yLabel, st);

  const int yTarget = std::max(int((frame.y1 - frame.y0) / (45 * st.scale)), 2);
  const ChartAxis yAxis = spec.logY ? logAxis(bounds.yLo, bounds.yHi, yTarget)
                                    : linearAxis(bounds.yLo, bounds.yHi, yTarget);
  frame.x0 = leftMargin(spec.yLabel, yAxis.labels, st);
  // The last x label is centred on the right edge of the frame; keep it inside the chart.
  const double provisionalRight = st.pad + 20 * st.scale;
  const ChartAxis xAxis =
      fittedXAxis(bounds.xLo, bounds.xHi, spec.width - provisionalRight - frame.x0, st);
  const double lastLabel = estimatedTextWidth(xAxis.labels.back(), st.tickSize);
  frame.x1 = spec.width - std::max(st.pad, lastLabel / 2 + 2);
  if (frame.x1 - frame.x0 < 20) throw Error("chart is too narrow for its labels");

  drawYAxis(svg, frame, yAxis, st);
  drawXAxis(svg, frame, xAxis, st);
  drawFrame(svg, frame);
  for (size_t i = 0; i < runs.size(); ++i)
    drawSeries(svg, frame, xAxis, yAxis, runs[i], entries[i], st);
  drawAxisTitles(svg, frame, spec.height, spec.xLabel, spec.yLabel, st);
  return svg.str();
}

namespace {

// The value axis of a bar chart: from zero, with headroom for the values printed at the bars'
// ends when all of them fit their slots (a partial set reads as if the others were missing).
ChartAxis barAxis(const BarChartSpec& spec, double lo, double hi, int target, double right,
                  const Style& st, bool& showValues) {
  if (hi == lo) hi = 1;  // all zero: an axis from 0 to 1
  ChartAxis axis = linearAxis(lo, hi, target);
  const double slot =
      (right - leftMargin(spec.yLabel, axis.labels, st)) / double(spec.values.size());
  showValues = true;
  for (double v : spec.values)
    if (usable(v) && estimatedTextWidth(formatValue(v), st.tickSize) + 2 > slot) showValues = false;
  if (showValues) {
    const double span = hi - lo;
    axis = linearAxis(lo < 0 ? lo - span * 0.06 : lo, hi > 0 ? hi + span * 0.06 : hi, target);
  }
  return axis;
}

// Category labels under the bars, shortened to a readable length; every k-th is shown so that
// they do not touch.
void drawBarLabels(SvgDocument& svg, const Frame& frame, const BarChartSpec& spec, double slot,
                   const Style& st) {
  const size_t n = spec.values.size();
  std::vector<std::string> labels(n);
  double widest = 0;
  for (size_t i = 0; i < n; ++i) {
    labels[i] = elideText(spec.labels.empty() ? std::to_string(i + 1) : spec.labels[i],
                          110 * st.scale, st.tickSize);
    widest = std::max(widest, estimatedTextWidth(labels[i], st.tickSize));
  }
  const size_t every = std::max<size_t>(1, size_t(std::ceil((widest + 8 * st.scale) / slot)));
  svg.beginGroup({"x-axis", "", true});
  const SvgTextStyle style{st.tickSize, kTickLabelColor, SvgAnchor::Middle};
  for (size_t i = 0; i < n; ++i) {
    const double x = frame.x0 + slot * (double(i) + 0.5);
    svg.line({x, frame.y1}, {x, frame.y1 + st.tick}, {kFrameColor, 1});
    if (i % every == 0)
      svg.text({x, frame.y1 + st.tick + st.gap / 2 + baselineBelowTop(st.tickSize)}, labels[i],
               style);
  }
  svg.endGroup();
}

void drawBars(SvgDocument& svg, const Frame& frame, const BarChartSpec& spec, const ChartAxis& axis,
              bool showValues, const Style& st) {
  const size_t n = spec.values.size();
  const double slot = (frame.x1 - frame.x0) / double(n);
  const double barWidth = std::max(slot * (n > 30 ? 0.9 : 0.7), 1.0);
  const double zeroY = frame.py(axis.fraction(0));
  svg.beginGroup({"bars", "", true});
  for (size_t i = 0; i < n; ++i) {
    const double v = spec.values[i];
    if (!usable(v)) continue;
    const double centre = frame.x0 + slot * (double(i) + 0.5);
    const double y = frame.py(axis.fraction(v));
    const double top = std::min(y, zeroY), bottom = std::max(y, zeroY);
    svg.fillRect(centre - barWidth / 2, top, barWidth, std::max(bottom - top, 1.0),
                 chartPaletteColor(0));
    if (showValues) {
      const double baseline = v >= 0 ? top - st.gap / 2 - 0.25 * st.tickSize
                                     : bottom + st.gap / 2 + baselineBelowTop(st.tickSize);
      svg.text({centre, baseline}, formatValue(v), {st.tickSize, kLabelColor, SvgAnchor::Middle});
    }
  }
  if (axis.lo < 0) svg.line({frame.x0, zeroY}, {frame.x1, zeroY}, {kFrameColor, 1});
  svg.endGroup();
}

}  // namespace

std::string renderBarChart(const BarChartSpec& spec) {
  checkSize(spec.width, spec.height);
  if (!spec.labels.empty() && spec.labels.size() != spec.values.size())
    throw Error("bar chart \"" + spec.title + "\" has " + std::to_string(spec.labels.size()) +
                " labels for " + std::to_string(spec.values.size()) + " values");
  const Style st = styleFor(spec.width, spec.height);
  SvgDocument svg(spec.width, spec.height);

  double lo = 0, hi = 0;
  bool hasData = false;
  for (double v : spec.values)
    if (usable(v)) {
      hasData = true;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }

  Frame frame;
  frame.y0 = drawHeader(svg, spec.width, spec.title, {}, st);
  frame.y1 = spec.height - bottomMargin(spec.xLabel, st);
  if (frame.y1 - frame.y0 < 20) throw Error("chart is too short for its title and labels");
  if (!hasData)
    return noDataChart(svg, frame, spec.width, spec.height, spec.xLabel, spec.yLabel, st);

  const int yTarget = std::max(int((frame.y1 - frame.y0) / (45 * st.scale)), 2);
  frame.x1 = spec.width - st.pad;
  bool showValues = false;
  const ChartAxis yAxis = barAxis(spec, lo, hi, yTarget, frame.x1, st, showValues);
  frame.x0 = leftMargin(spec.yLabel, yAxis.labels, st);
  if (frame.x1 - frame.x0 < 20) throw Error("chart is too narrow for its labels");

  drawYAxis(svg, frame, yAxis, st);
  drawFrame(svg, frame);
  drawBars(svg, frame, spec, yAxis, showValues, st);
  drawBarLabels(svg, frame, spec, (frame.x1 - frame.x0) / double(spec.values.size()), st);
  drawAxisTitles(svg, frame, spec.height, spec.xLabel, spec.yLabel, st);
  return svg.str();
}

void writeLineChartSvg(const std::string& path, const LineChartSpec& spec) {
  std::string svg;
  try {
    svg = renderLineChart(spec);
  } catch (const Error& e) {
    throw e.within("drawing chart " + path);
  }
  writeSvgFile(path, svg);
}

void writeBarChartSvg(const std::string& path, const BarChartSpec& spec) {
  std::string svg;
  try {
    svg = renderBarChart(spec);
  } catch (const Error& e) {
    throw e.within("drawing chart " + path);
  }
  writeSvgFile(path, svg);
}

}  // namespace tunebench
