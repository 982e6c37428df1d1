// Report charts as SVG: every document is parsed back with QXmlStreamReader (an independent XML
// parser); text (non-ASCII, special characters, invalid UTF-8) survives or is replaced as
// documented; series map onto the plot frame; axis ticks are nice numbers.
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <iterator>

#include "common/Error.h"
#include "report/ChartAxes.h"
#include "report/ChartText.h"
#include "report/Charts.h"
#include "report/SvgDocument.h"
#include "report/XmlText.h"

using namespace tunebench;

namespace {

struct SvgElement {
  QString name;
  QXmlStreamAttributes attributes;
  QString text;        // character data directly inside (<text>, <title>)
  QStringList groups;  // classes of the enclosing <g> elements, outermost first

  QString attr(const char* key) const { return attributes.value(QLatin1String(key)).toString(); }
  double number(const char* key) const { return attr(key).toDouble(); }
  bool in(const QString& group) const { return groups.contains(group); }
};

struct ParsedSvg {
  QString error;  // empty when the document is well-formed
  QString rootNamespace;
  std::vector<SvgElement> elements;

  std::vector<SvgElement> all(const QString& name, const QString& group = {}) const {
    std::vector<SvgElement> found;
    for (const SvgElement& e : elements)
      if (e.name == name && (group.isEmpty() || e.in(group))) found.push_back(e);
    return found;
  }
  QStringList texts(const QString& group = {}) const {
    QStringList out;
    for (const SvgElement& e : all("text", group)) out << e.text;
    return out;
  }
};

ParsedSvg parseSvg(const std::string& svg) {
  QXmlStreamReader xml(QByteArray::fromStdString(svg));
  ParsedSvg parsed;
  std::vector<size_t> open;
  QStringList groups;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement()) {
      if (parsed.elements.empty()) parsed.rootNamespace = xml.namespaceUri().toString();
      SvgElement element{xml.name().toString(), xml.attributes(), {}, groups};
      if (element.name == "g") groups << element.attr("class");
      parsed.elements.push_back(element);
      open.push_back(parsed.elements.size() - 1);
    } else if (xml.isCharacters() && !open.empty()) {
      parsed.elements[open.back()].text += xml.text();
    } else if (xml.isEndElement() && !open.empty()) {
      if (parsed.elements[open.back()].name == "g") groups.removeLast();
      open.pop_back();
    }
  }
  if (xml.hasError())
    parsed.error = QString("line %1: %2").arg(xml.lineNumber()).arg(xml.errorString());
  return parsed;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool isValidUtf8(const std::string& bytes) {
  const QByteArray raw = QByteArray::fromStdString(bytes);
  return QString::fromUtf8(raw).toUtf8() == raw;
}

QString utf8(const std::string& s) {
  return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
};

Rect frameOf(const ParsedSvg& svg) {
  const auto rects = svg.all("rect", "frame");
  if (rects.size() != 1) return {};
  const SvgElement& r = rects.front();
  return {r.number("x"), r.number("y"), r.number("width"), r.number("height")};
}

std::vector<QPointF> pointsOf(const SvgElement& polyline) {
  std::vector<QPointF> points;
  for (const QString& pair : polyline.attr("points").split(' ', Qt::SkipEmptyParts)) {
    const QStringList xy = pair.split(',');
    points.emplace_back(xy.value(0).toDouble(), xy.value(1).toDouble());
  }
  return points;
}

// Points drawn for all series: polyline vertices and dots.
size_t drawnPoints(const ParsedSvg& svg) {
  size_t n = svg.all("circle", "series").size();
  for (const SvgElement& line : svg.all("polyline", "series")) n += pointsOf(line).size();
  return n;
}

QString colourName(uint32_t rgb) {
  return QString("#%1").arg(rgb, 6, 16, QChar('0'));
}

// A step between ticks is nice when it is 1, 2 or 5 times a power of ten.
bool isNiceStep(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  for (double m : {1.0, 2.0, 5.0})
    if (std::abs(mantissa - m) < 1e-6) return true;
  return false;
}

LineChartSpec risingSpec() {
  LineChartSpec spec{"Rising", "step", "value", {}};
  spec.series.push_back({"rising", {0, 1, 2, 3}, {1, 2, 3, 4}});
  return spec;
}

}  // namespace

class ReportChartsTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void chartsAreWellFormedSvg() {
    LineChartSpec logSpec{"Log", "step", "lr", {{"lr", {1, 2, 3}, {1e-5, 3e-4, 2e-3}}}, true};
    const std::vector<std::string> documents = {
        renderLineChart(risingSpec()),
        renderLineChart(logSpec),
        renderLineChart(LineChartSpec{}),
        renderBarChart(BarChartSpec{"Bars", "x", "y", {"a", "b"}, {3, -2}}),
        renderBarChart(BarChartSpec{}),
    };
    for (const std::string& document : documents) {
      const ParsedSvg svg = parseSvg(document);
      QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
      QVERIFY(!svg.elements.empty());
      QCOMPARE(svg.elements.front().name, QString("svg"));
      QCOMPARE(svg.rootNamespace, QString("http://www.w3.org/2000/svg"));
      QCOMPARE(svg.elements.front().attr("width"), QString("800"));
      QCOMPARE(svg.elements.front().attr("height"), QString("450"));
      QCOMPARE(svg.elements.front().attr("viewBox"), QString("0 0 800 450"));
      QVERIFY(isValidUtf8(document));
      QVERIFY(document.find("nan") == std::string::npos);
      QVERIFY(document.find("inf") == std::string::npos);
    }
  }

  void nonAsciiTextSurvivesByteForByte() {
    const std::string title = "验证损失 — Überblick";
    const std::string train = "训练集 (train)", validation = "Validierung ✓";
    const std::string xLabel = "步骤", yLabel = "Verlust λ";
    LineChartSpec spec{title, xLabel, yLabel, {}};
    spec.series.push_back({train, {0, 1, 2}, {3, 2, 1}});
    spec.series.push_back({validation, {0, 2}, {3.5, 1.5}});
    const std::string file = path("non-ascii.svg");
    writeLineChartSvg(file, spec);
    const std::string document = readFile(file);
    for (const std::string& text : {title, train, validation, xLabel, yLabel})
      QVERIFY2(document.find(">" + text + "<") != std::string::npos, text.c_str());
    const ParsedSvg svg = parseSvg(document);
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    QCOMPARE(svg.texts("title"), QStringList{utf8(title)});
    QCOMPARE(svg.texts("legend"), (QStringList{utf8(train), utf8(validation)}));
    QCOMPARE(svg.texts("axis-titles"), (QStringList{utf8(xLabel), utf8(yLabel)}));
    // Each series names itself in a <title> (a tooltip in browsers).
    QStringList names;
    for (const SvgElement& e : svg.all("title", "series")) names << e.text;
    QCOMPARE(names, (QStringList{utf8(train), utf8(validation)}));
    // The y-axis title reads upwards.
    const auto yTitle = svg.all("text", "axis-titles").back();
    QVERIFY2(yTitle.attr("transform").startsWith("rotate(-90 "),
             qPrintable(yTitle.attr("transform")));
  }

  void specialCharactersAreEscaped() {
    const std::string title = "a < b & \"c\" 'd' > e";
    const std::string name = "<series> & \"quotes\"";
    LineChartSpec spec{title, "x", "y", {}};
    spec.series.push_back({name, {0, 1}, {0, 1}});
    spec.series.push_back({"other", {0, 1}, {1, 0}});
    const std::string document = renderLineChart(spec);
    QVERIFY(document.find(title) == std::string::npos);
    QVERIFY(document.find("a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e") !=
            std::string::npos);
    const ParsedSvg svg = parseSvg(document);
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    QCOMPARE(svg.texts("title"), QStringList{utf8(title)});
    QVERIFY(svg.texts("legend").contains(utf8(name)));
    QCOMPARE(svg.all("title", "series").front().text, utf8(name));
  }

  void xmlEscapingKeepsDocumentsValid() {
    QCOMPARE(xmlEscaped("plain ÄÖÜ 中文"), std::string("plain ÄÖÜ 中文"));
    QCOMPARE(xmlEscaped("<&>\"'"), std::string("&lt;&amp;&gt;&quot;&apos;"));
    QCOMPARE(xmlEscaped("a\tb\nc\rd"), std::string("a&#9;b&#10;c&#13;d"));
    const std::string replacement = "\xEF\xBF\xBD";
    QCOMPARE(xmlEscaped("x\xFFy"), "x" + replacement + "y");          // stray byte
    QCOMPARE(xmlEscaped("x\xC3"), "x" + replacement);                 // cut sequence
    QCOMPARE(xmlEscaped("x\xED\xA0\x80y"), "x" + replacement + "y");  // a surrogate
    QCOMPARE(xmlEscaped(std::string("x\x01y\0z", 5)), "x" + replacement + "y" + replacement + "z");
    QCOMPARE(xmlEscaped("\xEF\xBF\xBE\xEF\xBF\xBF"), replacement + replacement);  // U+FFFE/FFFF
    // A chart whose texts hold all of these is still well-formed, valid UTF-8.
    const std::string bad = std::string("bad\xFF\x02 <text>\xC3");
    LineChartSpec spec{bad, bad, bad, {{bad, {0, 1}, {0, 1}}, {"ok", {0, 1}, {1, 1}}}};
    const std::string document = renderLineChart(spec);
    QVERIFY(isValidUtf8(document));
    const ParsedSvg svg = parseSvg(document);
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    QCOMPARE(svg.texts("title"),
             QStringList{utf8("bad" + replacement + replacement + " <text>" + replacement)});
  }

  void polylineMapsValuesOntoTheFrame() {
    // x from 0 to 100 and y from 0 to 10 are whole ticks: the axes end exactly there.
    const std::vector<double> x = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    const std::vector<double> y = {3, 0, 4, 10, 7, 5, 6, 2, 8, 9, 1};
    LineChartSpec spec{"Mapped", "step", "loss", {{"s", x, y, 0x00A0F0}}, false, 640, 360};
    const ParsedSvg svg = parseSvg(renderLineChart(spec));
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    const Rect frame = frameOf(svg);
    QVERIFY(frame.w > 400 && frame.h > 200);
    const auto lines = svg.all("polyline", "series");
    QCOMPARE(lines.size(), size_t(1));
    QCOMPARE(lines[0].attr("stroke"), QString("#00a0f0"));
    QCOMPARE(lines[0].attr("fill"), QString("none"));
    const std::vector<QPointF> points = pointsOf(lines[0]);
    QCOMPARE(points.size(), x.size());
    for (size_t i = 0; i < points.size(); ++i) {
      if (i > 0) QVERIFY(points[i].x() > points[i - 1].x());
      const double expectedX = frame.x + x[i] / 100 * frame.w;
      const double expectedY = frame.y + frame.h - y[i] / 10 * frame.h;
      QVERIFY2(std::abs(points[i].x() - expectedX) < 0.011 &&
                   std::abs(points[i].y() - expectedY) < 0.011,
               qPrintable(QString("point %1 at (%2, %3), expected (%4, %5)")
                              .arg(i)
                              .arg(points[i].x())
                              .arg(points[i].y())
                              .arg(expectedX)
                              .arg(expectedY)));
    }
    auto near = [](double a, double b) { return std::abs(a - b) < 0.011; };
    QVERIFY(near(points.front().x(), frame.x));           // the first x at the left edge
    QVERIFY(near(points.back().x(), frame.x + frame.w));  // the last x at the right edge
    QVERIFY(near(points[1].y(), frame.y + frame.h));      // the minimum at the bottom
    QVERIFY(near(points[3].y(), frame.y));                // the maximum at the top
    // No legend for a single series.
    QVERIFY(svg.texts("legend").isEmpty());
  }

  void nonFiniteValuesAreSkipped_data() {
    QTest::addColumn<std::vector<double>>("y");
    QTest::addColumn<bool>("logY");
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("dots");
    const double nan = std::nan(""), inf = INFINITY;
    QTest::newRow("NaN inside") << std::vector<double>{1, 2, nan, 4, 5} << false << 4 << 0;
    QTest::newRow("NaN first and last")
        << std::vector<double>{nan, 2, 3, 4, nan} << false << 3 << 0;
    QTest::newRow("infinities") << std::vector<double>{-inf, 2, inf, 4, 1e308} << false << 2 << 2;
    QTest::newRow("isolated points") << std::vector<double>{1, nan, 3, nan, 5} << false << 3 << 3;
    QTest::newRow("all NaN") << std::vector<double>{nan, nan, nan, nan, nan} << false << 0 << 0;
    QTest::newRow("log with zero and negatives")
        << std::vector<double>{0, -1, 1e-3, 0.5, 20} << true << 3 << 0;
    QTest::newRow("log, nothing positive")
        << std::vector<double>{0, -1, 0, -2, nan} << true << 0 << 0;
    QTest::newRow("constant") << std::vector<double>{2, 2, 2, 2, 2} << false << 5 << 0;
    QTest::newRow("constant, log") << std::vector<double>{2, 2, 2, 2, 2} << true << 5 << 0;
  }
  void nonFiniteValuesAreSkipped() {
    QFETCH(std::vector<double>, y);
    QFETCH(bool, logY);
    QFETCH(int, points);
    QFETCH(int, dots);
    LineChartSpec spec{"Gaps", "step", "loss", {}, logY};
    spec.series.push_back({"s", {1, 2, 3, 4, 5}, y, 0xCC00CC});
    const std::string document = renderLineChart(spec);
    QVERIFY(document.find("nan") == std::string::npos);
    QVERIFY(document.find("inf") == std::string::npos);
    const ParsedSvg svg = parseSvg(document);
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    QCOMPARE(drawnPoints(svg), size_t(points));
    QCOMPARE(svg.all("circle", "series").size(), size_t(dots));
    QCOMPARE(svg.texts("no-data").size(), points == 0 ? 1 : 0);
    // Everything drawn lies inside the frame.
    const Rect frame = frameOf(svg);
    for (const SvgElement& line : svg.all("polyline", "series"))
      for (const QPointF& p : pointsOf(line))
        QVERIFY(p.x() >= frame.x - 0.01 && p.x() <= frame.x + frame.w + 0.01 &&
                p.y() >= frame.y - 0.01 && p.y() <= frame.y + frame.h + 0.01);
  }

  void emptySeriesAndSinglePoints() {
    const std::vector<LineChartSpec> empty = {
        LineChartSpec{},
        LineChartSpec{"Empty series", "x", "y", {ChartSeries{"a", {}, {}}}},
        LineChartSpec{"Mismatched", "x", "y", {ChartSeries{"a", {1, 2, 3}, {}}}},
    };
    for (const LineChartSpec& spec : empty) {
      const ParsedSvg svg = parseSvg(renderLineChart(spec));
      QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
      QCOMPARE(svg.texts("no-data"), QStringList{"no data"});
      QCOMPARE(drawnPoints(svg), size_t(0));
      QVERIFY(frameOf(svg).w > 0);
    }
    LineChartSpec one{"One", "x", "y", {ChartSeries{"a", {5}, {2.5}, 0x00AA00}}};
    const ParsedSvg svg = parseSvg(renderLineChart(one));
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    const auto dots = svg.all("circle", "series");
    QCOMPARE(dots.size(), size_t(1));
    QCOMPARE(dots[0].attr("fill"), QString("#00aa00"));
    QVERIFY(svg.all("polyline", "series").empty());
    // The axes are widened around the point, which sits in the middle of the frame.
    const Rect frame = frameOf(svg);
    QVERIFY(std::abs(dots[0].number("cx") - (frame.x + frame.w / 2)) < 0.011);
    QVERIFY(std::abs(dots[0].number("cy") - (frame.y + frame.h / 2)) < 0.011);
  }

  void severalSeriesGetPaletteColoursAndALegend() {
    LineChartSpec spec{"Two", "x", "y", {}};
    spec.series.push_back({"falling", {0, 1, 2}, {3, 2, 1}});
    spec.series.push_back({"", {0, 1, 2}, {1, 2, 3}});
    const ParsedSvg svg = parseSvg(renderLineChart(spec));
    const auto lines = svg.all("polyline", "series");
    QCOMPARE(lines.size(), size_t(2));
    QCOMPARE(lines[0].attr("stroke"), colourName(chartPaletteColor(0)));
    QCOMPARE(lines[1].attr("stroke"), colourName(chartPaletteColor(1)));
    QVERIFY(chartPaletteColor(0) != chartPaletteColor(1));
    QCOMPARE(chartPaletteColor(10), chartPaletteColor(0));
    QCOMPARE(svg.texts("legend"), (QStringList{"falling", "series 2"}));
    const auto swatches = svg.all("line", "legend");
    QCOMPARE(swatches.size(), size_t(2));
    QCOMPARE(swatches[1].attr("stroke"), colourName(chartPaletteColor(1)));
  }

  void niceLinearTicks_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<int>("target");
    QTest::addColumn<QStringList>("labels");
    QTest::newRow("0..1") << 0.0 << 1.0 << 5 << QStringList{"0", "0.2", "0.4", "0.6", "0.8", "1.0"};
    QTest::newRow("0.93..3.41") << 0.93 << 3.41 << 5
                                << QStringList{"0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5"};
    QTest::newRow("1..1200") << 1.0 << 1200.0 << 6
                             << QStringList{"0", "200", "400", "600", "800", "1000", "1200"};
    QTest::newRow("negative") << -7.0 << 3.0 << 4 << QStringList{"-10", "-5", "0", "5"};
    QTest::newRow("constant") << 7.0 << 7.0 << 4 << QStringList{"6.0", "6.5", "7.0", "7.5", "8.0"};
    QTest::newRow("constant zero")
        << 0.0 << 0.0 << 4 << QStringList{"-1.0", "-0.5", "0", "0.5", "1.0"};
    QTest::newRow("millions") << 0.0 << 3.3e7 << 4 << QStringList{"0", "1e7", "2e7", "3e7", "4e7"};
    QTest::newRow("tiny") << 1e-5 << 4e-5 << 3 << QStringList{"1e-5", "2e-5", "3e-5", "4e-5"};
  }
  void niceLinearTicks() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(int, target);
    QFETCH(QStringList, labels);
    const ChartAxis axis = linearAxis(lo, hi, target);
    QStringList got;
    for (const std::string& label : axis.labels) got << QString::fromStdString(label);
    QCOMPARE(got, labels);
    QVERIFY(axis.lo <= lo && axis.hi >= hi);
    QCOMPARE(axis.ticks.front(), axis.lo);
    QCOMPARE(axis.ticks.back(), axis.hi);
  }

  void chartTicksAreNiceNumbers_data() {
    QTest::addColumn<double>("scale");
    QTest::newRow("units") << 1.0;
    QTest::newRow("thousands") << 1234.5;
    QTest::newRow("small") << 0.00731;
  }
  void chartTicksAreNiceNumbers() {
    QFETCH(double, scale);
    LineChartSpec spec{
        "Ticks", "x", "y", {{"s", {0.3, 7.9, 13.4}, {scale, 2.7 * scale, 1.3 * scale}}}};
    const ParsedSvg svg = parseSvg(renderLineChart(spec));
    for (const QString& group : {QString("x-axis"), QString("y-axis")}) {
      std::vector<double> values;
      for (const QString& label : svg.texts(group)) {
        bool ok = false;
        values.push_back(label.toDouble(&ok));
        QVERIFY2(ok, qPrintable(group + " label " + label));
      }
      QVERIFY2(values.size() >= 3, qPrintable(group));
      const double step = values[1] - values[0];
      QVERIFY2(step > 0 && isNiceStep(step), qPrintable(group + QString(" step %1").arg(step)));
      for (size_t i = 1; i < values.size(); ++i)
        QVERIFY(std::abs(values[i] - values[i - 1] - step) < step * 1e-6);
      for (double v : values) QVERIFY(std::abs(v / step - std::round(v / step)) < 1e-6);
    }
  }

  void logTicksArePowersOfTen() {
    const ChartAxis axis = logAxis(3e-6, 2.5e-4, 8);
    QVERIFY(axis.log);
    QStringList got;
    for (const std::string& label : axis.labels) got << QString::fromStdString(label);
    QCOMPARE(got, (QStringList{"1e-6", "1e-5", "1e-4", "0.001"}));
    QCOMPARE(axis.ticks, (std::vector<double>{-6, -5, -4, -3}));
    QVERIFY(!axis.minorTicks.empty());
    // Many decades: every other power.
    const ChartAxis wide = logAxis(1e-9, 1e9, 5);
    QVERIFY(wide.ticks.size() <= 6);
    for (double t : wide.ticks) QCOMPARE(t, std::round(t));
    // One value: a decade either side.
    const ChartAxis one = logAxis(1, 1, 5);
    QVERIFY(one.lo < 0 && one.hi > 0);
    QCOMPARE(formatPowerOfTen(0), std::string("1"));
    QCOMPARE(formatPowerOfTen(3), std::string("1000"));
    QCOMPARE(formatPowerOfTen(-2), std::string("0.01"));
    QCOMPARE(formatPowerOfTen(7), std::string("1e7"));
    QCOMPARE(formatPowerOfTen(-5), std::string("1e-5"));
    QCOMPARE(formatValue(42), std::string("42"));
    QCOMPARE(formatValue(3.14159), std::string("3.14"));
    QCOMPARE(formatValue(1234.5), std::string("1.23e3"));
    // In a chart, the labels of a log axis are the powers.
    LineChartSpec spec{"Log", "step", "lr", {{"lr", {1, 2, 3}, {3e-6, 1e-5, 2.5e-4}}}, true};
    const ParsedSvg svg = parseSvg(renderLineChart(spec));
    QCOMPARE(svg.texts("y-axis"), (QStringList{"1e-6", "1e-5", "1e-4", "0.001"}));
  }

  void barsFollowValues() {
    BarChartSpec spec{
        "Classes", "label", "count", {"small", "big", "none", "mid"}, {10, 40, std::nan(""), 20}};
    const std::string file = path("bars.svg");
    writeBarChartSvg(file, spec);
    const ParsedSvg svg = parseSvg(readFile(file));
    QVERIFY2(svg.error.isEmpty(), qPrintable(svg.error));
    const auto bars = svg.all("rect", "bars");
    QCOMPARE(bars.size(), size_t(3));  // none for NaN
    const double small = bars[0].number("height"), big = bars[1].number("height"),
                 mid = bars[2].number("height");
    QVERIFY(big > mid && mid > small);
    QVERIFY(std::abs(big - 4 * small) < 0.05);
    // Bars stand on the frame's bottom (the axis starts at zero) and left to right in order.
    const Rect frame = frameOf(svg);
    for (const SvgElement& bar : bars)
      QVERIFY(std::abs(bar.number("y") + bar.number("height") - (frame.y + frame.h)) < 0.02);
    QVERIFY(bars[0].number("x") < bars[1].number("x") && bars[1].number("x") < bars[2].number("x"));
    QCOMPARE(svg.texts("bars"), (QStringList{"10", "40", "20"}));
    QCOMPARE(svg.texts("x-axis"), (QStringList{"small", "big", "none", "mid"}));

    BarChartSpec mismatched{"Bad", "", "", {"a"}, {1, 2}};
    QVERIFY_THROWS_EXCEPTION(Error, renderBarChart(mismatched));
    BarChartSpec empty{"Nothing", "", "", {}, {}};
    QCOMPARE(parseSvg(renderBarChart(empty)).texts("no-data"), QStringList{"no data"});
    BarChartSpec zeros{"Zeros", "", "", {}, {0, 0, 0}};
    QVERIFY(parseSvg(renderBarChart(zeros)).error.isEmpty());
    BarChartSpec negative{"Negative", "", "", {}, {-3, 5}};
    const ParsedSvg withNegative = parseSvg(renderBarChart(negative));
    QCOMPARE(withNegative.all("line", "bars").size(), size_t(1));  // the zero line
    BarChartSpec many{"Many", "", "", {}, std::vector<double>(500, 1.0)};
    const ParsedSvg crowded = parseSvg(renderBarChart(many));
    QCOMPARE(crowded.all("rect", "bars").size(), size_t(500));
    QVERIFY(crowded.texts("x-axis").size() < 100);  // labels thinned out so they do not touch
    QVERIFY(crowded.texts("bars").isEmpty());       // values do not fit: none shown
  }

  void longTextIsShortened() {
    QVERIFY(estimatedTextWidth("中文", 10) > estimatedTextWidth("ab", 10));
    QCOMPARE(estimatedTextWidth("", 10), 0.0);
    QCOMPARE(elideText("short", 1000, 12), std::string("short"));
    const std::string elided = elideText("验证损失验证损失验证损失", 60, 12);
    QVERIFY2(elided.size() > 3 && elided.substr(elided.size() - 3) == "…", elided.c_str());
    QVERIFY(estimatedTextWidth(elided, 12) <= 60);
    QVERIFY(isValidUtf8(elided));  // cut between characters, never inside one
    QCOMPARE(elideText("anything", 1, 12), std::string());
    LineChartSpec spec{std::string(300, 'W'), "x", "y", {{"a", {0, 1}, {0, 1}}}};
    const ParsedSvg svg = parseSvg(renderLineChart(spec));
    const QString shown = svg.texts("title").value(0);
    QVERIFY(shown.endsWith(QChar(0x2026)) && shown.size() < 300);
  }

  void largeChartsUseLargerText() {
    LineChartSpec spec{"Large", "x", "y", {ChartSeries{"a", {0, 1}, {0, 1}}}, false, 1600, 900};
    const ParsedSvg large = parseSvg(renderLineChart(spec));
    spec.width = 800;
    spec.height = 450;
    const ParsedSvg normal = parseSvg(renderLineChart(spec));
    QCOMPARE(large.elements.front().attr("width"), QString("1600"));
    const double largeSize = large.all("text", "title").front().number("font-size");
    const double normalSize = normal.all("text", "title").front().number("font-size");
    QCOMPARE(largeSize, 2 * normalSize);
  }

  void errorsNameTheFile() {
    const std::string file = path("no-such-folder/deeper/chart.svg");
    LineChartSpec spec;
    spec.series.push_back({"a", {0, 1}, {0, 1}});
    try {
      writeLineChartSvg(file, spec);
      QFAIL("writing a chart into a missing folder did not throw");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(file) != std::string::npos, e.what());
    }
    // A bad size is reported with the file it was meant for, and nothing is written.
    spec.width = 10;
    try {
      writeLineChartSvg(path("tiny.svg"), spec);
      QFAIL("a 10-pixel-wide chart did not throw");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find(path("tiny.svg")) != std::string::npos, e.what());
    }
    QVERIFY(!QFile::exists(QString::fromStdString(path("tiny.svg"))));
    // A rewrite replaces the file whole and leaves no temporary behind.
    spec.width = 800;
    writeLineChartSvg(path("again.svg"), spec);
    writeBarChartSvg(path("again.svg"), BarChartSpec{"Bars", "", "", {}, {1, 2}});
    QCOMPARE(parseSvg(readFile(path("again.svg"))).all("rect", "bars").size(), size_t(2));
    QVERIFY(!QFile::exists(QString::fromStdString(path("again.svg.part"))));
  }

  void svgDocumentGroupsAndText() {
    SvgDocument svg(100, 50);
    svg.beginGroup({"outer", "tip & more", true});
    svg.text({50, 25}, "mid", {12, 0x123456, SvgAnchor::Middle, true, 30});
    svg.endGroup();
    QVERIFY_THROWS_EXCEPTION(Error, svg.endGroup());
    svg.beginGroup({"left-open", "", false});  // closed by str()
    svg.line({0, 0}, {10, 10}, {0xFF0000, 1.5});
    svg.text({0, 40}, "two\nlines", {});  // SVG would join the words: a space instead
    const ParsedSvg parsed = parseSvg(svg.str());
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    const auto texts = parsed.all("text", "outer");
    QCOMPARE(texts.size(), size_t(1));
    QCOMPARE(texts[0].attr("text-anchor"), QString("middle"));
    QCOMPARE(texts[0].attr("font-weight"), QString("bold"));
    QCOMPARE(texts[0].attr("fill"), QString("#123456"));
    QCOMPARE(texts[0].attr("transform"), QString("rotate(30 50 25)"));
    QCOMPARE(parsed.all("title", "outer").front().text, QString("tip & more"));
    QCOMPARE(parsed.all("line", "left-open").front().attr("stroke-width"), QString("1.5"));
    QCOMPARE(parsed.texts("left-open"), QStringList{"two lines"});
    QVERIFY_THROWS_EXCEPTION(Error, SvgDocument(0, 10));
    QVERIFY_THROWS_EXCEPTION(Error, SvgDocument(10, NAN));
  }
};

QTEST_GUILESS_MAIN(ReportChartsTest)
#include "tst_report_charts.moc"
