#include "report/ChartLayout.h"

#include <algorithm>
#include <cmath>

#include "common/Error.h"
#include "report/ChartText.h"

namespace tunebench::chart {

namespace {

double legendSwatch(const Style& st) {
  return 18 * st.scale;
}
double legendSpacing(const Style& st) {
  return 16 * st.scale;
}
double legendRowHeight(const Style& st) {
  return boxHeight(st.labelSize) + 4 * st.scale;
}

double legendEntryWidth(const LegendEntry& e, const Style& st) {
  return legendSwatch(st) + st.gap + estimatedTextWidth(e.name, st.labelSize);
}

void drawLegend(SvgDocument& svg, double width, const LegendRows& rows, double top,
                const Style& st) {
  svg.beginGroup({"legend", "", false});
  for (const auto& row : rows) {
    double w = -legendSpacing(st);
    for (const LegendEntry& e : row) w += legendSpacing(st) + legendEntryWidth(e, st);
    double x = (width - w) / 2;
    const double mid = top + boxHeight(st.labelSize) / 2;
    for (const LegendEntry& e : row) {
      svg.line({x, mid}, {x + legendSwatch(st), mid}, {e.color, 2.5 * st.scale});
      x += legendSwatch(st) + st.gap;
      svg.text({x, mid + baselineBelowCentre(st.labelSize)}, e.name,
               {st.labelSize, kLabelColor, SvgAnchor::Start});
      x += estimatedTextWidth(e.name, st.labelSize) + legendSpacing(st);
    }
    top += legendRowHeight(st);
  }
  svg.endGroup();
}

}  // namespace

Style styleFor(int width, int height) {
  Style style;
  if (width >= 1200 && height >= 675) {
    style.scale = 2;
    style.titleSize *= 2;
    style.labelSize *= 2;
    style.tickSize *= 2;
    style.pad *= 2;
    style.tick *= 2;
    style.gap *= 2;
  }
  return style;
}

void checkSize(int width, int height) {
  if (width < 160 || height < 120 || width > 8192 || height > 8192)
    throw Error("chart size " + std::to_string(width) + "x" + std::to_string(height) +
                " is out of range (160x120 to 8192x8192 pixels)");
}

LegendRows legendRows(const std::vector<LegendEntry>& entries, double maxWidth, const Style& st) {
  LegendRows rows;
  double used = 0;
  for (LegendEntry entry : entries) {
    entry.name =
        elideText(entry.name, std::max(maxWidth - legendSwatch(st) - st.gap, 0.0), st.labelSize);
    const double w = legendEntryWidth(entry, st);
    if (rows.empty() || used + legendSpacing(st) + w > maxWidth) {
      rows.emplace_back();
      used = -legendSpacing(st);
    }
    rows.back().push_back(entry);
    used += legendSpacing(st) + w;
  }
  return rows;
}

double drawHeader(SvgDocument& svg, double width, const std::string& title,
                  const LegendRows& legend, const Style& st) {
  double y = st.pad;
  if (!title.empty()) {
    svg.beginGroup({"title", "", false});
    svg.text({width / 2, y + baselineBelowTop(st.titleSize)},
             elideText(title, width - 2 * st.pad, st.titleSize),
             {st.titleSize, kTitleColor, SvgAnchor::Middle, true});
    svg.endGroup();
    y += boxHeight(st.titleSize) + st.gap;
  }
  if (!legend.empty()) {
    drawLegend(svg, width, legend, y, st);
    y += double(legend.size()) * legendRowHeight(st);
  }
  // Room for the top tick label, which is centred on the frame's top edge.
  return std::max(y + st.gap / 2, st.pad + boxHeight(st.tickSize) / 2);
}

double bottomMargin(const std::string& xLabel, const Style& st) {
  double h = st.pad + st.tick + st.gap / 2 + boxHeight(st.tickSize);
  if (!xLabel.empty()) h += st.gap + boxHeight(st.labelSize);
  return h;
}

double leftMargin(const std::string& yLabel, const std::vector<std::string>& tickLabels,
                  const Style& st) {
  double widest = 0;
  for (const std::string& label : tickLabels)
    widest = std::max(widest, estimatedTextWidth(label, st.tickSize));
  double w = st.pad + widest + st.gap / 2 + st.tick;
  if (!yLabel.empty()) w += boxHeight(st.labelSize) + st.gap;
  return w;
}

void drawAxisTitles(SvgDocument& svg, const Frame& frame, double height, const std::string& xLabel,
                    const std::string& yLabel, const Style& st) {
  if (xLabel.empty() && yLabel.empty()) return;
  svg.beginGroup({"axis-titles", "", false});
  const SvgTextStyle style{st.labelSize, kLabelColor, SvgAnchor::Middle};
  if (!xLabel.empty())
    svg.text({(frame.x0 + frame.x1) / 2,
              height - st.pad - boxHeight(st.labelSize) + baselineBelowTop(st.labelSize)},
             elideText(xLabel, frame.x1 - frame.x0, st.labelSize), style);
  if (!yLabel.empty()) {
    SvgTextStyle up = style;
    up.rotation = -90;  // reads upwards; the glyphs stand left of the baseline
    svg.text({st.pad + baselineBelowTop(st.labelSize), (frame.y0 + frame.y1) / 2},
             elideText(yLabel, frame.y1 - frame.y0, st.labelSize), up);
  }
  svg.endGroup();
}

void drawNoData(SvgDocument& svg, const Frame& frame, const Style& st) {
  drawFrame(svg, frame);
  svg.beginGroup({"no-data", "", false});
  const double size = st.labelSize * 1.5;
  svg.text({(frame.x0 + frame.x1) / 2, (frame.y0 + frame.y1) / 2 + baselineBelowCentre(size)},
           "no data", {size, kNoDataColor, SvgAnchor::Middle});
  svg.endGroup();
}

void drawFrame(SvgDocument& svg, const Frame& frame) {
  svg.beginGroup({"frame", "", true});
  svg.strokeRect(frame.x0, frame.y0, frame.x1 - frame.x0, frame.y1 - frame.y0, {kFrameColor, 1});
  svg.endGroup();
}

void drawYAxis(SvgDocument& svg, const Frame& frame, const ChartAxis& axis, const Style& st) {
  auto yOf = [&](double v) { return frame.py((v - axis.lo) / (axis.hi - axis.lo)); };
  svg.beginGroup({"grid", "", true});
  for (double v : axis.minorTicks)
    svg.line({frame.x0, yOf(v)}, {frame.x1, yOf(v)}, {kMinorGridColor, 1});
  for (double v : axis.ticks) svg.line({frame.x0, yOf(v)}, {frame.x1, yOf(v)}, {kGridColor, 1});
  svg.endGroup();
  svg.beginGroup({"y-axis", "", true});
  const SvgTextStyle style{st.tickSize, kTickLabelColor, SvgAnchor::End};
  for (size_t i = 0; i < axis.ticks.size(); ++i) {
    const double y = yOf(axis.ticks[i]);
    svg.line({frame.x0 - st.tick, y}, {frame.x0, y}, {kFrameColor, 1});
    svg.text({frame.x0 - st.tick - st.gap / 2, y + baselineBelowCentre(st.tickSize)},
             axis.labels[i], style);
  }
  svg.endGroup();
}

ChartAxis fittedXAxis(double lo, double hi, double plotWidth, const Style& st) {
  ChartAxis axis;
  for (int target = std::max(int(plotWidth / (70 * st.scale)), 2); target >= 1; --target) {
    axis = linearAxis(lo, hi, target);
    double widest = 0;
    for (const std::string& label : axis.labels)
      widest = std::max(widest, estimatedTextWidth(label, st.tickSize));
    const int intervals = std::max(int(axis.ticks.size()) - 1, 1);
    if (widest + 12 * st.scale <= plotWidth / intervals) break;
  }
  return axis;
}

void drawXAxis(SvgDocument& svg, const Frame& frame, const ChartAxis& axis, const Style& st) {
  auto xOf = [&](double v) { return frame.px((v - axis.lo) / (axis.hi - axis.lo)); };
  svg.beginGroup({"grid", "", true});
  for (double v : axis.ticks) svg.line({xOf(v), frame.y0}, {xOf(v), frame.y1}, {kGridColor, 1});
  svg.endGroup();
  svg.beginGroup({"x-axis", "", true});
  const SvgTextStyle style{st.tickSize, kTickLabelColor, SvgAnchor::Middle};
  for (size_t i = 0; i < axis.ticks.size(); ++i) {
    const double x = xOf(axis.ticks[i]);
    svg.line({x, frame.y1}, {x, frame.y1 + st.tick}, {kFrameColor, 1});
    svg.text({x, frame.y1 + st.tick + st.gap / 2 + baselineBelowTop(st.tickSize)}, axis.labels[i],
             style);
  }
  svg.endGroup();
}

}  // namespace tunebench::chart
