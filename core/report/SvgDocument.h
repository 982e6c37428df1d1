#pragma once
// A small SVG writer for report charts: lines, polylines, rectangles, circles and text in groups,
// built up in order and returned as one standalone UTF-8 document.
//
//   SvgDocument svg(800, 450);
//   svg.beginGroup({"series", "train"});
//   svg.polyline({{10, 400}, {790, 20}}, {0x1F6FB2, 2});
//   svg.endGroup();
//   svg.text({400, 30}, "验证损失", {16, 0x1A1A1A, SvgAnchor::Middle});
//   writeSvgFile("loss.svg", svg.str());
//
// Coordinates are user units (CSS pixels), x to the right, y downwards, written with at most two
// decimals. Every text and attribute value goes through xmlEscaped (XmlText.h), so the document
// is well-formed whatever the text holds. Colours are 0xRRGGBB.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tunebench {

struct SvgPoint {
  double x = 0;
  double y = 0;
};

struct SvgStroke {
  uint32_t color = 0;
  double width = 1;
};

enum class SvgAnchor { Start, Middle, End };

struct SvgTextStyle {
  double size = 12;  // font size
  uint32_t color = 0;
  SvgAnchor anchor = SvgAnchor::Start;  // which end of the text sits at its point
  bool bold = false;
  double rotation = 0;  // degrees clockwise about the text's point; -90 reads upwards
};

struct SvgGroup {
  std::string cssClass;     // the group's class attribute (none when empty)
  std::string tooltip;      // a <title> child, shown by viewers on hover (none when empty)
  bool crispEdges = false;  // axis-aligned lines drawn sharp rather than anti-aliased
};

class SvgDocument {
 public:
  // Throws tunebench::Error for a size that is not positive and finite.
  SvgDocument(double width, double height, uint32_t background = 0xFFFFFF);

  void line(SvgPoint a, SvgPoint b, SvgStroke stroke);
  // An open line through the points, with round joins and caps; fewer than two points draw nothing.
  void polyline(const std::vector<SvgPoint>& points, SvgStroke stroke);
  void fillRect(double x, double y, double w, double h, uint32_t color);
  void strokeRect(double x, double y, double w, double h, SvgStroke stroke);
  void circle(SvgPoint centre, double radius, uint32_t color);
  // text's baseline starts, centres or ends at `at` (see SvgTextStyle::anchor). One line: line
  // breaks and tabs are written as spaces.
  void text(SvgPoint at, std::string_view text, const SvgTextStyle& style);

  void beginGroup(const SvgGroup& group);
  // Throws tunebench::Error when no group is open.
  void endGroup();

  // The whole document, XML declaration included; groups still open are closed.
  std::string str() const;

 private:
  std::string body_;
  double width_, height_;
  int openGroups_ = 0;
};

// Writes svg to path through a temporary file in the same folder renamed over path, so that a
// failed write leaves an existing file intact. Throws tunebench::Error naming path.
void writeSvgFile(const std::string& path, const std::string& svg);

}  // namespace tunebench
