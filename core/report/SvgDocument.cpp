#include "report/SvgDocument.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "common/AtomicFile.h"
#include "common/Error.h"
#include "report/XmlText.h"

namespace tunebench {

namespace {

// A coordinate or size: locale-independent, at most two decimals, no trailing zeros.
std::string number(double v) {
  if (!std::isfinite(v)) throw Error("SVG chart: a coordinate is not a finite number");
  char buffer[400];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 2);
  std::string s(buffer, result.ptr);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string colour(uint32_t rgb) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%06x", unsigned(rgb & 0xFFFFFFu));
  return buffer;
}

std::string attribute(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + value + "\"";
}

std::string strokeAttributes(SvgStroke stroke) {
  return attribute("stroke", colour(stroke.color)) +
         attribute("stroke-width", number(stroke.width));
}

const char* anchorName(SvgAnchor anchor) {
  switch (anchor) {
    case SvgAnchor::Middle:
      return "middle";
    case SvgAnchor::End:
      return "end";
    default:
      return "start";
  }
}

}  // namespace

SvgDocument::SvgDocument(double width, double height, uint32_t background)
    : width_(width), height_(height) {
  if (!(std::isfinite(width) && std::isfinite(height) && width > 0 && height > 0))
    throw Error("an SVG document needs a positive size");
  body_ += "<rect" + attribute("width", number(width)) + attribute("height", number(height)) +
           attribute("fill", colour(background)) + "/>\n";
}

void SvgDocument::line(SvgPoint a, SvgPoint b, SvgStroke stroke) {
  body_ += "<line" + attribute("x1", number(a.x)) + attribute("y1", number(a.y)) +
           attribute("x2", number(b.x)) + attribute("y2", number(b.y)) + strokeAttributes(stroke) +
           "/>\n";
}

void SvgDocument::polyline(const std::vector<SvgPoint>& points, SvgStroke stroke) {
  if (points.size() < 2) return;
  std::string list;
  list.reserve(points.size() * 14);
  for (const SvgPoint& p : points) {
    if (!list.empty()) list += ' ';
    list += number(p.x) + ',' + number(p.y);
  }
  body_ += "<polyline" + attribute("points", list) + attribute("fill", "none") +
           strokeAttributes(stroke) + attribute("stroke-linejoin", "round") +
           attribute("stroke-linecap", "round") + "/>\n";
}

void SvgDocument::fillRect(double x, double y, double w, double h, uint32_t color) {
  body_ += "<rect" + attribute("x", number(x)) + attribute("y", number(y)) +
           attribute("width", number(std::max(w, 0.0))) +
           attribute("height", number(std::max(h, 0.0))) + attribute("fill", colour(color)) +
           "/>\n";
}

void SvgDocument::strokeRect(double x, double y, double w, double h, SvgStroke stroke) {
  body_ += "<rect" + attribute("x", number(x)) + attribute("y", number(y)) +
           attribute("width", number(std::max(w, 0.0))) +
           attribute("height", number(std::max(h, 0.0))) + attribute("fill", "none") +
           strokeAttributes(stroke) + "/>\n";
}

void SvgDocument::circle(SvgPoint centre, double radius, uint32_t color) {
  body_ += "<circle" + attribute("cx", number(centre.x)) + attribute("cy", number(centre.y)) +
           attribute("r", number(radius)) + attribute("fill", colour(color)) + "/>\n";
}

void SvgDocument::text(SvgPoint at, std::string_view text, const SvgTextStyle& style) {
  body_ += "<text" + attribute("x", number(at.x)) + attribute("y", number(at.y)) +
           attribute("font-size", number(style.size)) + attribute("fill", colour(style.color));
  if (style.anchor != SvgAnchor::Start) body_ += attribute("text-anchor", anchorName(style.anchor));
  if (style.bold) body_ += attribute("font-weight", "bold");
  if (style.rotation != 0)
    body_ += attribute("transform", "rotate(" + number(style.rotation) + " " + number(at.x) + " " +
                                        number(at.y) + ")");
  // SVG drops line breaks inside <text> (joining the words on either side): make them spaces.
  std::string oneLine(text);
  for (char& c : oneLine)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  body_ += ">" + xmlEscaped(oneLine) + "</text>\n";
}

void SvgDocument::beginGroup(const SvgGroup& group) {
  body_ += "<g";
  if (!group.cssClass.empty()) body_ += attribute("class", xmlEscaped(group.cssClass));
  if (group.crispEdges) body_ += attribute("shape-rendering", "crispEdges");
  body_ += ">\n";
  if (!group.tooltip.empty()) body_ += "<title>" + xmlEscaped(group.tooltip) + "</title>\n";
  ++openGroups_;
}

void SvgDocument::endGroup() {
  if (openGroups_ == 0) throw Error("SVG chart: a group was closed that was never opened");
  body_ += "</g>\n";
  --openGroups_;
}

std::string SvgDocument::str() const {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg";
  out += attribute("xmlns", "http://www.w3.org/2000/svg") + attribute("width", number(width_)) +
         attribute("height", number(height_)) +
         attribute("viewBox", "0 0 " + number(width_) + " " + number(height_)) +
         attribute("font-family", "DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif") +
         ">\n";
  out += body_;
  for (int i = 0; i < openGroups_; ++i) out += "</g>\n";
  out += "</svg>\n";
  return out;
}

void writeSvgFile(const std::string& path, const std::string& svg) {
  writeFileAtomically(path, svg);
}

}  // namespace tunebench
